using System.Net;
using Border.Routing;
using Border.Routing.Speakers;
using Border.Routing.Uplink;
using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.Routing.Uplink;

public sealed class UplinkProbeTests
{
    private static readonly IPAddress First = IPAddress.Parse("203.0.113.1");
    private static readonly IPAddress Second = IPAddress.Parse("203.0.113.9");

    public static TheoryData<string, string, string[], bool, string> Cases => new()
    {
        { "Established", "Idle", [], false, "session Established with 203.0.113.1 but no default route received" },
        { "Established", "Idle", ["203.0.113.1"], true, "Established, default received from 203.0.113.1" },
        { "Active", "Idle", ["203.0.113.1"], false, "no upstream session Established (203.0.113.1 Active, 203.0.113.9 Idle)" },
        { "Active", "Established", ["203.0.113.9"], true, "Established, default received from 203.0.113.9" },
        { "Active", "Established", ["203.0.113.1"], false, "session Established with 203.0.113.9 but no default route received" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Probe_SessionsAndDefaults_HealthyOnlyWithEstablishedSessionThatSentDefault(
        string first, string second, string[] defaultFrom, bool healthy, string reason)
    {
        var state = new UplinkState(
            new Dictionary<IPAddress, string> { [First] = first, [Second] = second },
            defaultFrom.Select(IPAddress.Parse).ToHashSet());
        var probe = NewProbe(new FixedSource(() => state));

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal((healthy, reason), (result.Healthy, result.Reason));
        Assert.Equal("uplink fixed", result.Check);
    }

    [Fact]
    public async Task Probe_SpeakerUnreachable_FailsWithItsError()
    {
        var probe = NewProbe(new FixedSource(() => throw new SpeakerException("gobgpd at unix:///run/gobgpd.sock: ListPeer failed: Unavailable: connect")));

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("gobgpd at unix:///run/gobgpd.sock: ListPeer failed: Unavailable: connect", result.Reason);
    }

    [Fact]
    public async Task Probe_NeighbourUnknownToSpeaker_SaysNotConfigured()
    {
        var probe = NewProbe(new FixedSource(() => new UplinkState(new Dictionary<IPAddress, string>(), new HashSet<IPAddress>())));

        var result = await probe.ProbeAsync(TestContext.Current.CancellationToken);

        Assert.Equal("no upstream session Established (203.0.113.1 not configured, 203.0.113.9 not configured)", result.Reason);
    }

    private static UplinkProbe NewProbe(IUplinkStateSource source) =>
        new(source, [new BgpNeighbor(First, 64500), new BgpNeighbor(Second, 64500)], new FakeTimeProvider());

    private sealed class FixedSource(Func<UplinkState> read) : IUplinkStateSource
    {
        public string Name => "fixed";

        public Task<UplinkState> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(read());
    }
}
