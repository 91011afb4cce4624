using System.Net;
using Border.Routing;
using Border.Routing.Attractions;
using Border.Routing.Reconciliation;
using Border.Routing.Speakers.Frr;
using Border.Routing.Uplink;
using Microsoft.Extensions.Logging.Abstractions;
using static Border.Tests.Integration.Routing.LabAttractions;

namespace Border.Tests.Integration.Routing;

[Collection(RoutingLabCollection.Name)]
public sealed class FrrBgpSpeakerLabTests(RoutingLab lab)
{
    private static readonly BgpNeighbor Upstream = new(IPAddress.Parse(RoutingLab.UpstreamAddress), 64500);

    [Fact]
    public async Task AnnounceWithdraw_Pools_UpstreamSeesThemFromBgpdWithNoExportThenNot()
    {
        Require();
        var speaker = NewSpeaker();
        await WaitForSessionAsync();

        await speaker.AnnounceAsync(Pool4, TestContext.Current.CancellationToken);
        await speaker.AnnounceAsync(Pool6, TestContext.Current.CancellationToken);

        await lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: true);
        await lab.WaitForUpstreamAsync("ipv6", Pool6.Prefix, RoutingLab.BgpdAddress, present: true);
        Assert.Equal("no-export", await CommunitiesAtUpstreamAsync("ipv4", Pool4.Prefix));
        Assert.Equal("no-export", await CommunitiesAtUpstreamAsync("ipv6", Pool6.Prefix));
        Assert.Empty(await lab.UpstreamPathsAsync("ipv4", IPNetwork.Parse("0.0.0.0/0")));
        Assert.Equal(new HashSet<Attraction> { Pool4, Pool6 }, await speaker.GetHeldAsync(TestContext.Current.CancellationToken));

        await speaker.WithdrawAsync(Pool4, TestContext.Current.CancellationToken);
        await speaker.WithdrawAsync(Pool6, TestContext.Current.CancellationToken);

        await lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: false);
        await lab.WaitForUpstreamAsync("ipv6", Pool6.Prefix, RoutingLab.BgpdAddress, present: false);
        Assert.Empty(await speaker.GetHeldAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Reconcile_AfterBgpdRestart_RestoresPoolsAndSecondPassChangesNothing()
    {
        Require();
        var reconciler = new AttractionReconciler([NewSpeaker()], NullLogger<AttractionReconciler>.Instance);
        var desired = new HashSet<Attraction> { Pool4, Pool6 };
        await WaitForSessionAsync();
        await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);
        await lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: true);

        await lab.RestartGatewayFrrAsync("bgpd");
        await lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: false);
        await WaitForSessionAsync();
        var restored = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);
        var again = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);

        Assert.Equal(2, Assert.Single(restored).Actions.Count(action => action.Reason == ReconcileReasons.Missing));
        Assert.Empty(Assert.Single(again).Actions);
        await lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: true);
        await lab.WaitForUpstreamAsync("ipv6", Pool6.Prefix, RoutingLab.BgpdAddress, present: true);
        await reconciler.ReconcileAsync(new HashSet<Attraction>(), TestContext.Current.CancellationToken);
        await lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: false);
    }

    [Fact]
    public async Task UplinkProbe_UpstreamShutsSession_DownThenUpAgain()
    {
        Require();
        var probe = new UplinkProbe(new FrrUplinkSource(lab.GatewayFrr()), [Upstream], TimeProvider.System);
        await WaitForSessionAsync();
        await RoutingLab.WaitUntilAsync(async () => (await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink up");

        await lab.ConfigureUpstreamAsync($"neighbor {RoutingLab.BgpdAddress} shutdown");
        try
        {
            await RoutingLab.WaitUntilAsync(async () => !(await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink down");
            var down = await probe.ProbeAsync(TestContext.Current.CancellationToken);
            Assert.StartsWith("no upstream session Established (203.0.113.1 ", down.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await lab.ConfigureUpstreamAsync($"no neighbor {RoutingLab.BgpdAddress} shutdown");
        }

        await RoutingLab.WaitUntilAsync(async () => (await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink up again");
        var up = await probe.ProbeAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Established, default received from 203.0.113.1", up.Reason);
    }

    private static void Require()
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/lib/frr/bgpd", "frr");
        Requires.Tool("/usr/bin/vtysh", "frr");
        Requires.Tool("/usr/bin/gobgpd", "gobgpd");
    }

    private FrrBgpSpeaker NewSpeaker() =>
        new(lab.GatewayFrr(), new BgpOptions { LocalAsn = 64513, Neighbors = [Upstream] }, NullLogger<FrrBgpSpeaker>.Instance);

    private async Task<string> CommunitiesAtUpstreamAsync(string afi, IPNetwork prefix) =>
        (await lab.UpstreamPathsAsync(afi, prefix)).Single(path => path.Peer == RoutingLab.BgpdAddress).Communities;

    private Task WaitForSessionAsync() =>
        RoutingLab.WaitUntilAsync(
            async () => (await lab.VtyshAsync(lab.Gateway, "show bgp neighbors 203.0.113.1 json")).Contains("\"Established\"", StringComparison.Ordinal),
            Convergence,
            "eBGP bgpd-upstream Established");
}
