using Border.Routing.Attractions;
using Border.Routing.Reconciliation;
using Microsoft.Extensions.Logging.Abstractions;
using static Border.Tests.Integration.Routing.LabAttractions;

namespace Border.Tests.Integration.Routing;

/// <summary>Restarting the gateway's bgpd, in a lab of its own.</summary>
/// <remarks>The restart resets the upstream session, where FRR 8.4 can leave a withdrawn pool in the adj-out (see
/// FrrBgpSpeakerLabTests), so other tests do not share it.</remarks>
[Collection(FrrBgpRestartLabCollection.Name)]
public sealed class FrrBgpRestartLabTests(RoutingLab lab)
{
    [Fact]
    public async Task Reconcile_AfterBgpdRestart_RestoresPoolsAndSecondPassChangesNothing()
    {
        FrrBgpSpeakerLabTests.Require();
        var reconciler = new AttractionReconciler([FrrBgpSpeakerLabTests.NewSpeaker(lab)], NullLogger<AttractionReconciler>.Instance);
        var desired = new HashSet<Attraction> { Pool4, Pool6 };
        await FrrBgpSpeakerLabTests.WaitForSessionAsync(lab);
        await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);
        await lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: true);

        await lab.RestartGatewayFrrAsync(
            () => lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: false),
            "bgpd");
        await FrrBgpSpeakerLabTests.WaitForSessionAsync(lab);
        var restored = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);
        var again = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);

        Assert.Equal(2, Assert.Single(restored).Actions.Count(action => action.Reason == ReconcileReasons.Missing));
        Assert.Empty(Assert.Single(again).Actions);
        await lab.WaitForUpstreamAsync("ipv4", Pool4.Prefix, RoutingLab.BgpdAddress, present: true);
        await lab.WaitForUpstreamAsync("ipv6", Pool6.Prefix, RoutingLab.BgpdAddress, present: true);
    }
}

[CollectionDefinition(Name)]
public sealed class FrrBgpRestartLabCollection : ICollectionFixture<RoutingLab>
{
    public const string Name = "frr-bgp-restart-lab";
}
