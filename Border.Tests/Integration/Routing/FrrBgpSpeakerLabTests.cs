using System.Net;
using Border.Routing;
using Border.Routing.Attractions;
using Border.Routing.Reconciliation;
using Border.Routing.Speakers.Frr;
using Microsoft.Extensions.Logging.Abstractions;
using static Border.Tests.Integration.Routing.LabAttractions;

namespace Border.Tests.Integration.Routing;

/// <summary>Announcing and withdrawing pools through FRR's bgpd, on a session that has not been reset.</summary>
/// <remarks>FRR 8.4's bgpd can keep a pool withdrawn with <c>no network</c> in its adj-out on a session established
/// seconds before, so the upstream keeps it. The speaker reads the adj-out as held and repairs such a pool when it
/// is withdrawn again; withdrawing here goes through the reconciler, run again at each look at the upstream as the
/// daemon's resync runs it, so a stale advertisement is repaired the way it would be in service.
/// Tests that reset the session have labs of their own (FrrBgpRestartLabTests, FrrUplinkLabTests).</remarks>
[Collection(FrrBgpLabCollection.Name)]
public sealed class FrrBgpSpeakerLabTests(RoutingLab lab)
{
    private static readonly BgpNeighbor Upstream = new(IPAddress.Parse(RoutingLab.UpstreamAddress), 64500);

    [Fact]
    public async Task AnnounceWithdraw_Pools_UpstreamSeesThemFromBgpdWithNoExportThenNot()
    {
        Require();
        var speaker = NewSpeaker(lab);
        var reconciler = new AttractionReconciler([speaker], NullLogger<AttractionReconciler>.Instance);
        await WaitForSessionAsync(lab);

        await speaker.AnnounceAsync(Pool4, TestContext.Current.CancellationToken);
        await speaker.AnnounceAsync(Pool6, TestContext.Current.CancellationToken);

        await lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: true);
        await lab.WaitForUpstreamAsync("ipv6", Pool6.Prefix, RoutingLab.BgpdAddress, present: true);
        Assert.Equal("no-export", await CommunitiesAtUpstreamAsync("ipv4", Pool4.Prefix));
        Assert.Equal("no-export", await CommunitiesAtUpstreamAsync("ipv6", Pool6.Prefix));
        Assert.Empty(await lab.UpstreamPathsAsync("ipv4", IPNetwork.Parse("0.0.0.0/0")));
        Assert.Equal(new HashSet<Attraction> { Pool4, Pool6 }, await speaker.GetHeldAsync(TestContext.Current.CancellationToken));
        await lab.AssertGatewayDefaultWorksAsync();

        var none = new HashSet<Attraction>();
        await RoutingLab.WaitUntilAsync(
            async () =>
            {
                await reconciler.ReconcileAsync(none, TestContext.Current.CancellationToken);
                return !(await lab.UpstreamPathsAsync("ipv4", Pool4.Prefix)).Any(path => path.Peer == RoutingLab.BgpdAddress)
                    && !(await lab.UpstreamPathsAsync("ipv6", Pool6.Prefix)).Any(path => path.Peer == RoutingLab.BgpdAddress);
            },
            Convergence,
            "both pools from bgpd gone from the upstream's BGP table");
        Assert.Empty(await speaker.GetHeldAsync(TestContext.Current.CancellationToken));
        await lab.AssertGatewayDefaultWorksAsync();
    }

    internal static void Require()
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/lib/frr/bgpd", "frr");
        Requires.Tool("/usr/bin/vtysh", "frr");
        Requires.Tool("/usr/bin/gobgpd", "gobgpd");
    }

    internal static FrrBgpSpeaker NewSpeaker(RoutingLab lab) =>
        new(lab.GatewayFrr(), new BgpOptions { LocalAsn = 64513, Neighbors = [Upstream] }, NullLogger<FrrBgpSpeaker>.Instance);

    private async Task<string> CommunitiesAtUpstreamAsync(string afi, IPNetwork prefix) =>
        (await lab.UpstreamPathsAsync(afi, prefix)).Single(path => path.Peer == RoutingLab.BgpdAddress).Communities;

    internal static Task WaitForSessionAsync(RoutingLab lab) =>
        RoutingLab.WaitUntilAsync(
            async () => (await lab.VtyshAsync(lab.Gateway, "show bgp neighbors 203.0.113.1 json")).Contains("\"Established\"", StringComparison.Ordinal),
            Convergence,
            "eBGP bgpd-upstream Established");
}

[CollectionDefinition(Name)]
public sealed class FrrBgpLabCollection : ICollectionFixture<RoutingLab>
{
    public const string Name = "frr-bgp-lab";
}
