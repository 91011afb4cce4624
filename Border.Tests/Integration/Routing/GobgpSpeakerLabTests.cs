using System.Net;
using Border.Routing;
using Border.Routing.Attractions;
using Border.Routing.Reconciliation;
using Border.Routing.Speakers.Gobgp;
using Border.Routing.Uplink;
using Microsoft.Extensions.Logging.Abstractions;
using static Border.Tests.Integration.Routing.LabAttractions;

namespace Border.Tests.Integration.Routing;

[Collection(RoutingLabCollection.Name)]
public sealed class GobgpSpeakerLabTests(RoutingLab lab)
{

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
        await lab.AssertGatewayDefaultWorksAsync();

        await speaker.WithdrawAsync(Pool4, TestContext.Current.CancellationToken);
        await speaker.WithdrawAsync(Pool6, TestContext.Current.CancellationToken);

        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: false);
        await WaitForUpstreamAsync("ipv6", Pool6.Prefix, present: false);
        Assert.Empty(await speaker.GetHeldAsync(TestContext.Current.CancellationToken));
        await lab.AssertGatewayDefaultWorksAsync();
    }

    [Fact]
    public async Task Reconcile_StalePathOfEarlierRunAndForeignPathsIncludingSamePrefix_RemovesOursLeavesTheirs()
    {
        Require();
        using var client = lab.NewGobgpClient();
        var sharedPrefix = new GobgpRoute(Pool4.Prefix, new BgpCommunities([]), null, PathIdentifier: 0);
        var otherPrefix = new GobgpRoute(IPNetwork.Parse("192.0.2.4/30"), new BgpCommunities([]), null, PathIdentifier: 0);
        await WaitForSessionAsync();

        // An earlier run of border left Pool4 (no-export); somebody else, adding with path identifier 0 as the gobgp
        // CLI does, added the same prefix without communities and another prefix.
        await NewSpeaker(client).AnnounceAsync(Pool4, TestContext.Current.CancellationToken);
        var sharedUuid = await client.AddPathAsync(sharedPrefix, TestContext.Current.CancellationToken);
        var otherUuid = await client.AddPathAsync(otherPrefix, TestContext.Current.CancellationToken);
        await WaitForUpstreamAsync("ipv4", otherPrefix.Prefix, present: true);

        var reconciler = new AttractionReconciler([NewSpeaker(client)], NullLogger<AttractionReconciler>.Instance);
        var results = await reconciler.ReconcileAsync(new HashSet<Attraction>(), TestContext.Current.CancellationToken);

        var action = Assert.Single(Assert.Single(results).Actions);
        Assert.Equal((ReconcileVerb.Withdraw, Pool4, ReconcileReasons.NotDesired), (action.Verb, action.Attraction, action.Reason));
        var paths = await client.ListPathsAsync(System.Net.Sockets.AddressFamily.InterNetwork, TestContext.Current.CancellationToken);
        Assert.Equal(
            new HashSet<(IPNetwork, uint)> { (sharedPrefix.Prefix, 0), (otherPrefix.Prefix, 0) },
            paths.Where(path => path.IsLocal).Select(path => (path.Prefix, path.PathIdentifier)).ToHashSet());
        await RoutingLab.WaitUntilAsync(
            async () => await UpstreamCommunitiesAsync("ipv4", Pool4.Prefix) == "",
            Convergence,
            "upstream to hold the foreign path for 192.0.2.0/30 (no communities) in place of ours");
        Assert.True(await UpstreamHasAsync("ipv4", otherPrefix.Prefix), "the foreign path must stay announced");
        Assert.True(await client.DeletePathAsync(sharedUuid, TestContext.Current.CancellationToken));
        Assert.True(await client.DeletePathAsync(otherUuid, TestContext.Current.CancellationToken));
        await WaitForUpstreamAsync("ipv4", Pool4.Prefix, present: false);
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
        var probe = new UplinkProbe(new GobgpUplinkSource(client), [new BgpNeighbor(IPAddress.Parse(RoutingLab.UpstreamAddress), 64500)], TimeProvider.System);
        await WaitForSessionAsync();
        await RoutingLab.WaitUntilAsync(async () => (await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink up");

        await lab.ConfigureUpstreamAsync("neighbor 203.0.113.2 shutdown");
        try
        {
            await RoutingLab.WaitUntilAsync(async () => !(await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink down");
            var down = await probe.ProbeAsync(TestContext.Current.CancellationToken);
            Assert.Contains("no upstream session Established", down.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await lab.ConfigureUpstreamAsync("no neighbor 203.0.113.2 shutdown");
        }

        await RoutingLab.WaitUntilAsync(async () => (await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink up again");
        var up = await probe.ProbeAsync(TestContext.Current.CancellationToken);
        Assert.Contains("default received from 203.0.113.1", up.Reason, StringComparison.Ordinal);
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

    private Task WaitForUpstreamAsync(string afi, IPNetwork prefix, bool present) =>
        lab.WaitForUpstreamAsync(afi, prefix, RoutingLab.GobgpdAddress, present);

    private async Task<string?> UpstreamCommunitiesAsync(string afi, IPNetwork prefix) =>
        (await lab.UpstreamPathsAsync(afi, prefix)).SingleOrDefault(path => path.Peer == RoutingLab.GobgpdAddress).Communities;

    private async Task<bool> UpstreamHasAsync(string afi, IPNetwork prefix) =>
        (await lab.UpstreamPathsAsync(afi, prefix)).Any(path => path.Peer == RoutingLab.GobgpdAddress);
}
