using System.Net;
using Border.Routing;
using Border.Routing.Attractions;
using Border.Routing.Processes;
using Border.Routing.Reconciliation;
using Border.Routing.Speakers.Gobgp;
using Border.Routing.Uplink;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Integration.Routing;

[Collection(RoutingLabCollection.Name)]
public sealed class GobgpSpeakerLabTests(RoutingLab lab)
{
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(20);
    private static readonly BgpAttributes NoExport = new(new BgpCommunities([BgpCommunities.NoExport]));
    private static readonly Attraction Pool4 = new(IPNetwork.Parse("192.0.2.0/30"), NoExport);
    private static readonly Attraction Pool6 = new(IPNetwork.Parse("2001:db8:d78::3:0:0/125"), NoExport);

    [Fact]
    public async Task AnnounceWithdraw_Pools_UpstreamSeesThemWithNoExportThenNot()
    {
        Require();
        using var client = lab.NewGobgpClient();
        var speaker = NewSpeaker(client);
        await WaitForSessionAsync();

        await speaker.AnnounceAsync(Pool4, TestContext.Current.CancellationToken);
        await speaker.AnnounceAsync(Pool6, TestContext.Current.CancellationToken);

        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: true);
        await WaitForUpstreamAsync("ipv6", Pool6.Prefix, present: true);
        Assert.Contains("no-export", await UpstreamCommunitiesAsync("ipv4", Pool4.Prefix), StringComparison.Ordinal);
        Assert.Contains("no-export", await UpstreamCommunitiesAsync("ipv6", Pool6.Prefix), StringComparison.Ordinal);
        Assert.Equal(new HashSet<Attraction> { Pool4, Pool6 }, await speaker.GetHeldAsync(TestContext.Current.CancellationToken));

        await speaker.WithdrawAsync(Pool4, TestContext.Current.CancellationToken);
        await speaker.WithdrawAsync(Pool6, TestContext.Current.CancellationToken);

        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: false);
        await WaitForUpstreamAsync("ipv6", Pool6.Prefix, present: false);
        Assert.Empty(await speaker.GetHeldAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Reconcile_StalePathOfEarlierRunAndForeignPath_RemovesOursLeavesTheirs()
    {
        Require();
        using var client = lab.NewGobgpClient();
        var foreign = new GobgpRoute(IPNetwork.Parse("192.0.2.4/30"), new BgpCommunities([]), null, PathIdentifier: 0);
        await WaitForSessionAsync();

        // An earlier run of border left Pool4; somebody else (path identifier 0, as the gobgp CLI adds) added another.
        await NewSpeaker(client).AnnounceAsync(Pool4, TestContext.Current.CancellationToken);
        var foreignUuid = await client.AddPathAsync(foreign, TestContext.Current.CancellationToken);
        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: true);
        await WaitForUpstreamAsync("ipv4", foreign.Prefix, present: true);

        var reconciler = new AttractionReconciler([NewSpeaker(client)], NullLogger<AttractionReconciler>.Instance);
        var results = await reconciler.ReconcileAsync(new HashSet<Attraction>(), TestContext.Current.CancellationToken);

        var action = Assert.Single(Assert.Single(results).Actions);
        Assert.Equal((ReconcileVerb.Withdraw, Pool4, ReconcileReasons.NotDesired), (action.Verb, action.Attraction, action.Reason));
        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: false);
        Assert.True(await UpstreamHasAsync("ipv4", foreign.Prefix), "the foreign path must stay announced");
        Assert.True(await client.DeletePathAsync(foreignUuid, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Reconcile_AfterGobgpdRestart_RestoresPathsAndSecondPassChangesNothing()
    {
        Require();
        using var client = lab.NewGobgpClient();
        var reconciler = new AttractionReconciler([NewSpeaker(client)], NullLogger<AttractionReconciler>.Instance);
        var desired = new HashSet<Attraction> { Pool4, Pool6 };
        await WaitForSessionAsync();
        await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);
        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: true);

        await lab.RestartGobgpdAsync();
        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: false);
        await WaitForSessionAsync();
        var restored = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);
        var again = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);

        Assert.Equal(2, Assert.Single(restored).Actions.Count(action => action.Reason == ReconcileReasons.Missing));
        Assert.Empty(Assert.Single(again).Actions);
        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: true);
        await WaitForUpstreamAsync("ipv6", Pool6.Prefix, present: true);
        await reconciler.ReconcileAsync(new HashSet<Attraction>(), TestContext.Current.CancellationToken);
        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: false);
    }

    [Fact]
    public async Task UplinkProbe_UpstreamShutsSession_DownThenUpAgain()
    {
        Require();
        using var client = lab.NewGobgpClient();
        var probe = new GobgpUplinkProbe(client, [new BgpNeighbor(IPAddress.Parse(RoutingLab.UpstreamAddress), 64500)], TimeProvider.System);
        await WaitForSessionAsync();
        await RoutingLab.WaitUntilAsync(async () => (await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink up");

        await ConfigureUpstreamAsync("neighbor 203.0.113.2 shutdown");
        try
        {
            await RoutingLab.WaitUntilAsync(async () => !(await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink down");
            var down = await probe.ProbeAsync(TestContext.Current.CancellationToken);
            Assert.Contains("no upstream session Established", down.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await ConfigureUpstreamAsync("no neighbor 203.0.113.2 shutdown");
        }

        await RoutingLab.WaitUntilAsync(async () => (await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink up again");
        var up = await probe.ProbeAsync(TestContext.Current.CancellationToken);
        Assert.Contains("default received from 203.0.113.1", up.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_GobgpdUnreachable_ErrorNamesEndpoint()
    {
        using var client = new GrpcGobgpClient(
            new GobgpOptions { Endpoint = "unix:///nonexistent/border-test.sock", RetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(10) },
            TimeProvider.System,
            NullLogger<GrpcGobgpClient>.Instance);

        var error = await Assert.ThrowsAsync<Border.Routing.Speakers.SpeakerException>(
            () => client.ListPeersAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith("gobgpd at unix:///nonexistent/border-test.sock: ListPeer failed: Unavailable", error.Message, StringComparison.Ordinal);
    }

    private static void Require()
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/bin/gobgpd", "gobgpd");
        Requires.Tool("/usr/lib/frr/bgpd", "frr");
        Requires.Tool("/usr/bin/vtysh", "frr");
    }

    private static GobgpSpeaker NewSpeaker(IGobgpClient client) => new(client, NullLogger<GobgpSpeaker>.Instance);

    private Task WaitForSessionAsync() =>
        RoutingLab.WaitUntilAsync(
            async () => (await lab.VtyshAsync(lab.Upstream, "show bgp neighbors 203.0.113.2 json")).Contains("\"Established\"", StringComparison.Ordinal),
            Convergence,
            "eBGP gobgpd-upstream Established");

    private Task ConfigureUpstreamAsync(string line) =>
        NetworkNamespace.Runner.RunCheckedAsync(
            "/usr/bin/vtysh",
            ["--vty_socket", lab.VtyDirectory(lab.Upstream), "-c", "configure terminal", "-c", "router bgp 64500", "-c", line],
            TimeSpan.FromSeconds(10));

    private async Task<bool> UpstreamHasAsync(string afi, IPNetwork prefix)
    {
        var table = await lab.VtyshJsonAsync(lab.Upstream, $"show bgp {afi} unicast json");
        return table.TryGetProperty("routes", out var routes) && routes.TryGetProperty(prefix.ToString(), out _);
    }

    private async Task<string> UpstreamCommunitiesAsync(string afi, IPNetwork prefix)
    {
        var route = await lab.VtyshJsonAsync(lab.Upstream, $"show bgp {afi} unicast {prefix} json");
        return string.Join(' ', route.GetProperty("paths").EnumerateArray()
            .Select(path => path.TryGetProperty("community", out var community) ? community.GetProperty("string").GetString() : "none"));
    }

    private Task WaitForUpstreamAsync(string afi, IPNetwork prefix, bool present) =>
        RoutingLab.WaitUntilAsync(
            async () => await UpstreamHasAsync(afi, prefix) == present,
            Convergence,
            $"{prefix} {(present ? "in" : "gone from")} upstream's BGP table");
}
