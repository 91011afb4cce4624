using System.Net;
using System.Net.Sockets;
using Border.Routing.Attractions;
using Border.Routing.Speakers.Gobgp;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Routing.Speakers.Gobgp;

public sealed class GobgpSpeakerTests : IDisposable
{
    private static readonly BgpCommunities NoExport = new([BgpCommunities.NoExport]);
    private static readonly Attraction Pool4 = new(IPNetwork.Parse("192.0.2.0/30"), new BgpAttributes(NoExport));
    private static readonly GobgpRoute OursFromAnEarlierRun = new(Pool4.Prefix, NoExport, IPAddress.Any, GobgpSpeaker.OwnPathIdentifier);
    private static readonly GobgpRoute SomebodyElses = new(Pool4.Prefix, NoExport, IPAddress.Any, 0);
    private readonly ImpossibleCalls impossible = new();

    [Fact]
    public async Task GetHeld_LocalReceivedAndForeignPaths_ReturnsOnlyLocalPathsWithOurIdentifier()
    {
        var client = new FakeGobgpClient(impossible);
        client.Hold(new GobgpRoute(Pool4.Prefix, NoExport, IPAddress.Any, GobgpSpeaker.OwnPathIdentifier));
        client.Hold(new GobgpRoute(IPNetwork.Parse("192.0.2.4/30"), NoExport, IPAddress.Any, 0));
        client.Hold(new GobgpRoute(IPNetwork.Parse("0.0.0.0/0"), NoExport, IPAddress.Parse("203.0.113.1"), GobgpSpeaker.OwnPathIdentifier, IPAddress.Parse("203.0.113.1")));
        var speaker = new GobgpSpeaker(client, NullLogger<GobgpSpeaker>.Instance);

        var held = await speaker.GetHeldAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new HashSet<Attraction> { Pool4 }, held);
    }

    [Fact]
    public async Task Withdraw_PathAddedThisRun_DeletesByItsUuid()
    {
        var (client, speaker) = await AnnouncedAsync();

        await speaker.WithdrawAsync(Pool4, TestContext.Current.CancellationToken);

        Assert.Equal(["add 192.0.2.0/30 id 1651470948", "delete uuid 01"], client.Calls);
        Assert.Empty(client.Paths);
    }

    [Fact]
    public async Task Withdraw_PathOfEarlierRun_DeletesExactlyOurMarkedPath()
    {
        var client = new FakeGobgpClient(impossible);
        client.Hold(OursFromAnEarlierRun, SomebodyElses);
        var speaker = new GobgpSpeaker(client, NullLogger<GobgpSpeaker>.Instance);

        await speaker.WithdrawAsync(Pool4, TestContext.Current.CancellationToken);

        Assert.Equal(["delete path 192.0.2.0/30 id 1651470948"], client.Calls);
        Assert.Equal([SomebodyElses], client.Paths);
    }

    // gobgpd answers "can't find a specified path" for a uuid it does not hold, after a restart for instance.
    [Fact]
    public async Task Withdraw_GobgpdRestartedAndForgotTheUuid_DeletesTheMarkedPathInstead()
    {
        var (client, speaker) = await AnnouncedAsync();
        client.Restart();
        client.Hold(OursFromAnEarlierRun, SomebodyElses);

        await speaker.WithdrawAsync(Pool4, TestContext.Current.CancellationToken);

        Assert.Equal(["add 192.0.2.0/30 id 1651470948", "delete uuid 01", "delete path 192.0.2.0/30 id 1651470948"], client.Calls);
        Assert.Equal([SomebodyElses], client.Paths);
    }

    [Fact]
    public async Task Announce_AgainWithOtherCommunities_ReplacesOurPathAndTheOldUuidIsGone()
    {
        var (client, speaker) = await AnnouncedAsync();
        var other = Pool4 with { Attributes = new BgpAttributes(new BgpCommunities([BgpCommunities.NoExport, (64513u << 16) | 200])) };

        await speaker.AnnounceAsync(other, TestContext.Current.CancellationToken);
        await speaker.WithdrawAsync(other, TestContext.Current.CancellationToken);

        Assert.Equal(["add 192.0.2.0/30 id 1651470948", "add 192.0.2.0/30 id 1651470948", "delete uuid 02"], client.Calls);
        Assert.Empty(client.Paths);
    }

    public void Dispose() => impossible.AssertNone();

    /// <summary>A speaker that announced <see cref="Pool4"/> in this run, and the gobgpd behind it.</summary>
    private async Task<(FakeGobgpClient Client, GobgpSpeaker Speaker)> AnnouncedAsync()
    {
        var client = new FakeGobgpClient(impossible);
        var speaker = new GobgpSpeaker(client, NullLogger<GobgpSpeaker>.Instance);
        await speaker.AnnounceAsync(Pool4, TestContext.Current.CancellationToken);
        return (client, speaker);
    }

    /// <summary>gobgpd's global table in memory, as its API treats it; hands out uuids 01, 02, ...</summary>
    /// <remarks>Like gobgpd, it keys a local path by prefix and path identifier: adding one again replaces it and
    /// its uuid. A delete by a uuid it does not hold is gobgpd's "can't find a specified path", which the real client
    /// answers with false; a delete by path removes that local path and changes nothing when there is none. A delete
    /// with an empty uuid, which gobgpd would take as "every local path of the family", is an impossible call.</remarks>
    private sealed class FakeGobgpClient(ImpossibleCalls impossible) : IGobgpClient
    {
        private readonly Lock gate = new();
        private readonly List<GobgpRoute> paths = [];
        private readonly Dictionary<(IPNetwork Prefix, uint Identifier), ByteString> uuids = [];
        private readonly List<string> calls = [];
        private byte nextUuid;

        /// <summary>The global table: local paths and those received from peers.</summary>
        public IReadOnlyList<GobgpRoute> Paths => Snapshot.Of(gate, paths);

        public IReadOnlyList<string> Calls => Snapshot.Of(gate, calls);

        /// <summary>Paths gobgpd holds without a uuid of this run: an earlier run's, somebody else's, or a peer's.</summary>
        public void Hold(params GobgpRoute[] routes)
        {
            lock (gate)
            {
                paths.AddRange(routes);
            }
        }

        /// <summary>gobgpd restarted: it holds no path and knows no uuid.</summary>
        public void Restart()
        {
            lock (gate)
            {
                paths.Clear();
                uuids.Clear();
            }
        }

        public Task<ByteString> AddPathAsync(GobgpRoute route, CancellationToken cancellationToken)
        {
            lock (gate)
            {
                calls.Add($"add {route.Prefix} id {route.PathIdentifier}");
                if (!route.IsLocal)
                {
                    throw impossible.Refuse($"gobgpd: AddPath of {route.Prefix} with a neighbor: a path border adds is local");
                }

                RemoveLocal(route.Prefix, route.PathIdentifier);
                paths.Add(route);
                var uuid = ByteString.CopyFrom(++nextUuid);
                uuids[(route.Prefix, route.PathIdentifier)] = uuid;
                return Task.FromResult(uuid);
            }
        }

        public Task<bool> DeletePathAsync(ByteString uuid, CancellationToken cancellationToken)
        {
            lock (gate)
            {
                calls.Add($"delete uuid {Convert.ToHexString(uuid.Span)}");
                if (uuid.IsEmpty)
                {
                    throw impossible.Refuse("gobgpd: DeletePath with an empty uuid would delete every local path of the family");
                }

                var known = uuids.Where(pair => pair.Value == uuid).Select(pair => pair.Key).ToList();
                if (known.Count == 0)
                {
                    return Task.FromResult(false);
                }

                uuids.Remove(known[0]);
                RemoveLocal(known[0].Prefix, known[0].Identifier);
                return Task.FromResult(true);
            }
        }

        public Task DeletePathAsync(GobgpRoute route, CancellationToken cancellationToken)
        {
            lock (gate)
            {
                calls.Add($"delete path {route.Prefix} id {route.PathIdentifier}");
                uuids.Remove((route.Prefix, route.PathIdentifier));
                RemoveLocal(route.Prefix, route.PathIdentifier);
                return Task.CompletedTask;
            }
        }

        public Task<IReadOnlyList<GobgpRoute>> ListPathsAsync(AddressFamily family, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<GobgpRoute>>([.. Paths.Where(path => path.Prefix.BaseAddress.AddressFamily == family)]);

        public Task<IReadOnlyList<GobgpPeer>> ListPeersAsync(CancellationToken cancellationToken) =>
            throw impossible.Refuse("gobgpd: the speaker asked for peers, which only the uplink probe reads");

        private void RemoveLocal(IPNetwork prefix, uint identifier) =>
            paths.RemoveAll(path => path.IsLocal && path.Prefix == prefix && path.PathIdentifier == identifier);
    }
}
