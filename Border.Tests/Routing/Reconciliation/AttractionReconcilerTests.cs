using System.Net;
using Border.Routing.Attractions;
using Border.Routing.Reconciliation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Routing.Reconciliation;

public sealed class AttractionReconcilerTests
{
    private static readonly OspfAttributes E1 = new(200, OspfMetricType.E1);
    private static readonly BgpAttributes NoExport = new(new BgpCommunities([BgpCommunities.NoExport]));
    private static readonly Attraction Default4 = new(IPNetwork.Parse("0.0.0.0/0"), E1);
    private static readonly Attraction Nat64 = new(IPNetwork.Parse("2001:db8:d78:564::/96"), E1);
    private static readonly Attraction Pool4 = new(IPNetwork.Parse("192.0.2.0/30"), NoExport);
    private static readonly Attraction Pool6 = new(IPNetwork.Parse("2001:db8:d78::3:0:0/125"), NoExport);
    private readonly ImpossibleCalls impossible = new();

    [Fact]
    public async Task Reconcile_EmptySpeakers_AnnouncesEachToItsSpeakerThenSecondPassIsNoOp()
    {
        var ospf = new FakeSpeaker("ospf", RoutingProtocol.Ospf, impossible);
        var bgp = new FakeSpeaker("bgp", RoutingProtocol.Bgp, impossible);
        var reconciler = new AttractionReconciler([ospf, bgp], NullLogger<AttractionReconciler>.Instance);
        var desired = new HashSet<Attraction> { Default4, Nat64, Pool4, Pool6 };

        var first = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);
        ospf.AllowChanges = bgp.AllowChanges = false;
        var second = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);

        impossible.AssertNone();
        Assert.All(first.Concat(second), result => Assert.True(result.Succeeded, result.Error));
        Assert.Equal([$"announce {Default4}", $"announce {Nat64}"], ospf.Calls);
        Assert.Equal([$"announce {Pool4}", $"announce {Pool6}"], bgp.Calls);
        Assert.All(first.SelectMany(result => result.Actions), action => Assert.Equal(ReconcileReasons.Missing, action.Reason));
        Assert.All(second, result => Assert.Empty(result.Actions));
    }

    [Fact]
    public async Task Reconcile_HeldNotDesired_WithdrawsBeforeAnnouncing()
    {
        var ospf = new FakeSpeaker("ospf", RoutingProtocol.Ospf, impossible);
        ospf.Hold(Nat64);
        var reconciler = new AttractionReconciler([ospf], NullLogger<AttractionReconciler>.Instance);

        var results = await reconciler.ReconcileAsync(new HashSet<Attraction> { Default4 }, TestContext.Current.CancellationToken);

        impossible.AssertNone();
        Assert.True(results.Single().Succeeded, results.Single().Error);
        Assert.Equal([$"withdraw {Nat64}", $"announce {Default4}"], ospf.Calls);
        Assert.Equal(
            [ReconcileReasons.NotDesired, ReconcileReasons.Missing],
            results.Single().Actions.Select(action => action.Reason));
    }

    [Fact]
    public async Task Reconcile_HeldWithOtherMetric_ReannouncesInPlaceWithoutWithdrawing()
    {
        var ospf = new FakeSpeaker("ospf", RoutingProtocol.Ospf, impossible);
        ospf.Hold(Default4 with { Attributes = new OspfAttributes(100, OspfMetricType.E2) });
        var reconciler = new AttractionReconciler([ospf], NullLogger<AttractionReconciler>.Instance);

        var results = await reconciler.ReconcileAsync(new HashSet<Attraction> { Default4 }, TestContext.Current.CancellationToken);

        impossible.AssertNone();
        Assert.True(results.Single().Succeeded, results.Single().Error);
        Assert.Equal([$"announce {Default4}"], ospf.Calls);
        Assert.Equal(ReconcileReasons.AttributesDiffer, results.Single().Actions.Single().Reason);
    }

    [Fact]
    public async Task Reconcile_OneSpeakerFails_OthersStillReconciledAndErrorReported()
    {
        var broken = new ThrowingSpeaker();
        var bgp = new FakeSpeaker("bgp", RoutingProtocol.Bgp, impossible);
        var reconciler = new AttractionReconciler([broken, bgp], NullLogger<AttractionReconciler>.Instance);

        var results = await reconciler.ReconcileAsync(new HashSet<Attraction> { Pool4 }, TestContext.Current.CancellationToken);

        Assert.Equal("gobgpd at unix:///x: ListPath failed: Unavailable", results[0].Error);
        Assert.True(results[1].Succeeded, results[1].Error);
        impossible.AssertNone();
        Assert.Equal([$"announce {Pool4}"], bgp.Calls);
    }

    private sealed class ThrowingSpeaker : Border.Routing.Speakers.IRouteSpeaker
    {
        public string Name => "broken";

        public bool Carries(Attraction attraction) => true;

        public Task<IReadOnlySet<Attraction>> GetHeldAsync(CancellationToken cancellationToken) =>
            throw new Border.Routing.Speakers.SpeakerException("gobgpd at unix:///x: ListPath failed: Unavailable");

        public Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("never reached");

        public Task WithdrawAsync(Attraction attraction, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("never reached");
    }
}
