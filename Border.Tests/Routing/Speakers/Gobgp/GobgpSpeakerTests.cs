using System.Net;
using System.Net.Sockets;
using Border.Routing.Attractions;
using Border.Routing.Speakers.Gobgp;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Routing.Speakers.Gobgp;

public sealed class GobgpSpeakerTests
{
    private static readonly BgpCommunities NoExport = new([BgpCommunities.NoExport]);
    private static readonly Attraction Pool4 = new(IPNetwork.Parse("192.0.2.0/30"), new BgpAttributes(NoExport));

    [Fact]
    public async Task GetHeld_LocalReceivedAndForeignPaths_ReturnsOnlyLocalPathsWithOurIdentifier()
    {
        var client = new FakeGobgpClient();
        client.Paths.Add(new GobgpRoute(Pool4.Prefix, NoExport, IPAddress.Any, GobgpSpeaker.OwnPathIdentifier));
        client.Paths.Add(new GobgpRoute(IPNetwork.Parse("192.0.2.4/30"), NoExport, IPAddress.Any, 0));
        client.Paths.Add(new GobgpRoute(IPNetwork.Parse("0.0.0.0/0"), NoExport, IPAddress.Parse("203.0.113.1"), GobgpSpeaker.OwnPathIdentifier, IPAddress.Parse("203.0.113.1")));
        var speaker = new GobgpSpeaker(client, NullLogger<GobgpSpeaker>.Instance);

        var held = await speaker.GetHeldAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new HashSet<Attraction> { Pool4 }, held);
    }

    [Fact]
    public async Task Withdraw_PathAddedThisRun_DeletesByItsUuid()
    {
        var client = new FakeGobgpClient();
        var speaker = new GobgpSpeaker(client, NullLogger<GobgpSpeaker>.Instance);
        await speaker.AnnounceAsync(Pool4, TestContext.Current.CancellationToken);

        await speaker.WithdrawAsync(Pool4, TestContext.Current.CancellationToken);

        Assert.Equal(["add 192.0.2.0/30 id 1651470948", "delete uuid 01"], client.Calls);
    }

    [Fact]
    public async Task Withdraw_PathOfEarlierRun_DeletesExactlyOurMarkedPath()
    {
        var client = new FakeGobgpClient();
        var speaker = new GobgpSpeaker(client, NullLogger<GobgpSpeaker>.Instance);

        await speaker.WithdrawAsync(Pool4, TestContext.Current.CancellationToken);

        Assert.Equal(["delete path 192.0.2.0/30 id 1651470948"], client.Calls);
    }

    /// <summary>Records calls; hands out uuids 01, 02, ...</summary>
    private sealed class FakeGobgpClient : IGobgpClient
    {
        private byte nextUuid;

        public List<GobgpRoute> Paths { get; } = [];

        public List<string> Calls { get; } = [];

        public Task<ByteString> AddPathAsync(GobgpRoute route, CancellationToken cancellationToken)
        {
            Calls.Add($"add {route.Prefix} id {route.PathIdentifier}");
            return Task.FromResult(ByteString.CopyFrom(++nextUuid));
        }

        public Task<bool> DeletePathAsync(ByteString uuid, CancellationToken cancellationToken)
        {
            Calls.Add($"delete uuid {Convert.ToHexString(uuid.Span)}");
            return Task.FromResult(true);
        }

        public Task DeletePathAsync(GobgpRoute route, CancellationToken cancellationToken)
        {
            Calls.Add($"delete path {route.Prefix} id {route.PathIdentifier}");
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<GobgpRoute>> ListPathsAsync(AddressFamily family, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<GobgpRoute>>([.. Paths.Where(path => path.Prefix.BaseAddress.AddressFamily == family)]);

        public Task<IReadOnlyList<GobgpPeer>> ListPeersAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the speaker never asks for peers");
    }
}
