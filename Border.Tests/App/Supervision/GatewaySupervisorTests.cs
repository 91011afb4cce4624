using System.Net;
using Border.App.Logging;
using Border.App.State;
using Border.App.Supervision;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Policy;

namespace Border.Tests.App.Supervision;

public sealed class GatewaySupervisorTests
{
    private const string Prefix96 = "2001:db8:d78:564::/96";
    private const string PoolText = "192.0.2.0/30";
    private const string Default4 = "0.0.0.0/0";

    [Fact]
    public async Task Start_NothingRisenYet_AnnouncesNothingAndWithdrawsAStaleAttraction()
    {
        var stale = new Attraction(IPNetwork.Parse("2001:db8:d78:565::/96"), new OspfAttributes(200, OspfMetricType.E1));
        await using var harness = new SupervisorHarness(stale);

        harness.ProbeAll();
        await harness.SettleAsync();

        Assert.Empty(harness.OspfHeld);
        Assert.Empty(harness.BgpHeld);
        Assert.Contains(harness.Log.Entries, entry => entry.EventId == AppEventIds.WithdrawnStale && entry.Message.Contains("withdrew 2001:db8:d78:565::/96 from frr-ospf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rise_EveryProbePassedRiseTimes_AnnouncesEveryAttractionAtItsSpeaker()
    {
        await using var harness = new SupervisorHarness();

        await harness.RiseAsync();

        Assert.Equal(new HashSet<string> { Default4, Prefix96 }, harness.OspfHeld);
        Assert.Equal(new HashSet<string> { PoolText }, harness.BgpHeld);
        Assert.Equal(HealthState.Up, harness.Supervisor.Snapshot.Services[Service.Nat64].State);
    }

    [Fact]
    public async Task EngineExit_Nat64_WithdrawsOnlyThePrefixAtOnceAndLogsTheCause()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();

        harness.Event(SupervisorHarness.TaygaProcess, false, "tayga exited (code 137)", Service.Nat64);
        await harness.SettleAsync();

        Assert.Equal(new HashSet<string> { Default4 }, harness.OspfHeld);
        Assert.Equal(new HashSet<string> { PoolText }, harness.BgpHeld);
        var line = Assert.Single(harness.Log.Entries, entry => entry.EventId == AppEventIds.WithdrawnForFault);
        Assert.Equal($"nat64 down: {SupervisorHarness.TaygaProcess}: tayga exited (code 137); withdrew {Prefix96} from frr-ospf", line.Message);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, line.Level);
    }

    [Fact]
    public async Task EngineEventNamedLikeItsProbe_NftDrift_WithdrawsAtOnceAndTheLoopGoesOn()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();

        harness.Event(SupervisorHarness.Nft, false, "table inet border missing", Service.Nat44, Service.Nat64);
        await harness.SettleAsync();

        Assert.Empty(harness.OspfHeld);
        Assert.Empty(harness.BgpHeld);
        Assert.Equal($"{SupervisorHarness.Nft} event: table inet border missing", harness.Supervisor.Snapshot.Services[Service.Nat44].LastResults.Where(result => !result.Healthy).Select(result => $"{result.Check}: {result.Reason}").Single());

        harness.Event(SupervisorHarness.Nft, true, "table inet border re-applied", Service.Nat44, Service.Nat64);
        await harness.RiseAsync();

        Assert.Equal(new HashSet<string> { Default4, Prefix96 }, harness.OspfHeld);
        Assert.Equal(new HashSet<string> { PoolText }, harness.BgpHeld);
    }

    [Fact]
    public async Task EngineBack_AfterExit_ReannouncesOnlyAfterTheProbesRiseAgain()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();
        harness.Event(SupervisorHarness.TaygaProcess, false, "tayga exited (code 137)", Service.Nat64);
        harness.Event(SupervisorHarness.TaygaProcess, true, "tayga running (pid 42)", Service.Nat64);
        await harness.SettleAsync();
        Assert.DoesNotContain(Prefix96, harness.OspfHeld);

        harness.ProbeAll();
        await harness.SettleAsync();
        Assert.DoesNotContain(Prefix96, harness.OspfHeld);

        harness.ProbeAll();
        await harness.SettleAsync();
        Assert.Contains(Prefix96, harness.OspfHeld);
    }

    [Fact]
    public async Task Drain_Nat64_WithdrawsWhatOnlyItHoldsAndIsKeptInTheStateFile()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();

        var message = await harness.Supervisor.DrainAsync([Service.Nat64], new Drain("root", harness.Time.GetUtcNow(), "kernel upgrade"), TestContext.Current.CancellationToken);

        Assert.Equal("drained nat64", message);
        Assert.Equal(new HashSet<string> { Default4 }, harness.OspfHeld);
        Assert.Equal(new HashSet<string> { PoolText }, harness.BgpHeld);
        Assert.Equal("kernel upgrade", DrainStore.Load(harness.Directory).Drains[Service.Nat64].Reason);
        Assert.Contains(harness.Log.Entries, entry => entry.EventId == AppEventIds.WithdrawnForDrain && entry.Message.StartsWith("nat64 drained by root (kernel upgrade); withdrew", StringComparison.Ordinal));
    }

    // The other service shares the IPv4 pool, so the pool stays announced whichever of the two is drained.
    [Theory]
    [InlineData(Service.Nat64, Prefix96, Default4)]
    [InlineData(Service.Nat44, Default4, Prefix96)]
    public async Task Start_StateDirectoryHoldsADrain_NeverAnnouncesTheDrainedServicesOwnAndAnnouncesTheOthers(Service drained, string drainedOwn, string othersOwn)
    {
        var drainOnDisk = new Drain("root", DateTimeOffset.Parse("2026-11-21T18:00:00Z"), "kernel upgrade");
        await using var harness = new SupervisorHarness(new Dictionary<Service, Drain> { [drained] = drainOnDisk });

        await harness.RiseAsync();

        harness.AssertSpeakersInSync();
        Assert.Equal(new HashSet<string> { othersOwn }, harness.OspfHeld);
        Assert.Equal(new HashSet<string> { PoolText }, harness.BgpHeld);
        Assert.DoesNotContain(harness.Ospf.Calls, call => call.Contains($" {drainedOwn} ", StringComparison.Ordinal));
        Assert.Equal(drainOnDisk, harness.Supervisor.Snapshot.Drains[drained]);
        Assert.Equal(HealthState.Up, harness.Supervisor.Snapshot.Services[drained].State);
        Assert.Equal(drainOnDisk, DrainStore.Load(harness.Directory).Drains[drained]);
    }

    [Fact]
    public async Task Undrain_Nat64_AnnouncesItAgain()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();
        await harness.Supervisor.DrainAsync([Service.Nat64], new Drain("root", harness.Time.GetUtcNow(), null), TestContext.Current.CancellationToken);

        var message = await harness.Supervisor.UndrainAsync([Service.Nat64], TestContext.Current.CancellationToken);

        Assert.Equal("undrained nat64", message);
        Assert.Contains(Prefix96, harness.OspfHeld);
        Assert.Empty(DrainStore.Load(harness.Directory).Drains);
    }

    [Fact]
    public async Task UplinkDown_FallCount_WithdrawsEveryAttraction()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();

        harness.ProbeAll(uplinkHealthy: false);
        await harness.SettleAsync();
        Assert.NotEmpty(harness.OspfHeld);
        harness.ProbeAll(uplinkHealthy: false);
        await harness.SettleAsync();

        Assert.Empty(harness.OspfHeld);
        Assert.Empty(harness.BgpHeld);
        Assert.Contains(harness.Log.Entries, entry => entry.Message.StartsWith("uplink down: ", StringComparison.Ordinal) && entry.Message.Contains("withdrew 0.0.0.0/0 from frr-ospf", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Flapping_ThirdComeback_IsHeldDownUntilTheTimerEndsIt()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();
        for (var flap = 0; flap < 2; flap++)
        {
            harness.Event(SupervisorHarness.TaygaProcess, false, "tayga exited (code 137)", Service.Nat64);
            harness.Event(SupervisorHarness.TaygaProcess, true, "tayga running", Service.Nat64);
            await harness.RiseAsync();
        }

        Assert.DoesNotContain(Prefix96, harness.OspfHeld);
        Assert.Equal(HealthState.HeldDown, harness.Supervisor.Snapshot.Services[Service.Nat64].State);

        harness.Time.Advance(TimeSpan.FromSeconds(2));
        await harness.SettleAsync();

        Assert.Contains(Prefix96, harness.OspfHeld);
    }

    [Fact]
    public async Task WithdrawAll_CleanStop_LeavesNothingAtAnySpeaker()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();

        await harness.Supervisor.WithdrawAllAsync(TestContext.Current.CancellationToken);

        Assert.Empty(harness.OspfHeld);
        Assert.Empty(harness.BgpHeld);
        Assert.Equal(3, harness.Log.Count(AppEventIds.WithdrawnOnStop));
    }

    [Fact]
    public async Task SpeakerRestart_LostAttractions_RefilledOnTheResyncTimer()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();
        harness.Ospf.Restart();

        harness.Time.Advance(GatewaySupervisor.ResyncInterval);
        await harness.SettleAsync();

        Assert.Equal(new HashSet<string> { Default4, Prefix96 }, harness.OspfHeld);
    }

    [Fact]
    public async Task Probes_NothingChanges_SpeakersAreReadOnlyWhenTheResyncIsDue()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();
        var reads = (harness.Ospf.Reads, harness.Bgp.Reads);

        harness.ProbeAll();
        await harness.SettleAsync();
        harness.ProbeAll();
        await harness.SettleAsync();
        var afterProbes = (harness.Ospf.Reads, harness.Bgp.Reads);
        harness.Time.Advance(GatewaySupervisor.ResyncInterval);
        await harness.SettleAsync();

        Assert.Equal(reads, afterProbes);
        Assert.Equal((reads.Item1 + 1, reads.Item2 + 1), (harness.Ospf.Reads, harness.Bgp.Reads));
        Assert.Equal(new HashSet<string> { Default4, Prefix96 }, harness.OspfHeld);
    }

    [Fact]
    public async Task SpeakerFailed_NextPass_ReconcilesAgainWithoutWaitingForTheResync()
    {
        await using var harness = new SupervisorHarness();
        harness.Ospf.ChangeFailure = "FRR (vtysh at /run/frr/gw1) refused configuration: % Unknown command";
        await harness.RiseAsync();
        Assert.Equal(harness.Ospf.ChangeFailure, harness.Supervisor.Snapshot.Speakers["frr-ospf"].Error);

        harness.Ospf.ChangeFailure = null;
        harness.ProbeAll();
        await harness.SettleAsync();

        Assert.Null(harness.Supervisor.Snapshot.Speakers["frr-ospf"].Error);
        Assert.Equal(new HashSet<string> { Default4, Prefix96 }, harness.OspfHeld);
    }

    // A reload hands the next supervisor the health of the services whose settings did not change.
    [Fact]
    public async Task Reload_EveryServiceUnchanged_KeepsHealthAndChangesNothingAtAnySpeaker()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();
        var transitions = harness.Supervisor.Snapshot.Transitions[Service.Nat64];
        harness.Ospf.AllowChanges = false;
        harness.Bgp.AllowChanges = false;

        await harness.ReloadAsync(keepUplink: true, Service.Nat44, Service.Nat64);

        harness.AssertSpeakersInSync();
        Assert.Equal(new HashSet<string> { Default4, Prefix96 }, harness.OspfHeld);
        Assert.Equal(new HashSet<string> { PoolText }, harness.BgpHeld);
        Assert.Equal(HealthState.Up, harness.Supervisor.Snapshot.Services[Service.Nat64].State);
        Assert.Equal(transitions, harness.Supervisor.Snapshot.Transitions[Service.Nat64]);
    }

    [Fact]
    public async Task Reload_Nat64Changed_OnlyItRisesAgainAndTheSharedPoolStays()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();
        harness.Ospf.ForgetCalls();
        harness.Bgp.AllowChanges = false;

        await harness.ReloadAsync(keepUplink: true, Service.Nat44);

        harness.AssertSpeakersInSync();
        Assert.StartsWith($"withdraw ospf6 {Prefix96} ", Assert.Single(harness.Ospf.Calls), StringComparison.Ordinal);
        Assert.Equal(new HashSet<string> { Default4 }, harness.OspfHeld);
        Assert.Equal(new HashSet<string> { PoolText }, harness.BgpHeld);
        Assert.Equal(HealthState.Up, harness.Supervisor.Snapshot.Services[Service.Nat44].State);
        Assert.Equal(HealthState.Starting, harness.Supervisor.Snapshot.Services[Service.Nat64].State);

        harness.Probe(SupervisorHarness.Nft, true, Service.Nat44, Service.Nat64);
        harness.Probe(SupervisorHarness.TaygaData, true, Service.Nat64);
        harness.Probe(SupervisorHarness.Nft, true, Service.Nat44, Service.Nat64);
        harness.Probe(SupervisorHarness.TaygaData, true, Service.Nat64);
        await harness.SettleAsync();

        Assert.Equal(new HashSet<string> { Default4, Prefix96 }, harness.OspfHeld);
    }

    [Fact]
    public async Task Reload_UplinkChecksChanged_EverythingWaitsForTheUplinkToRiseAgain()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();

        await harness.ReloadAsync(keepUplink: false, Service.Nat44, Service.Nat64);

        Assert.Empty(harness.OspfHeld);
        Assert.Empty(harness.BgpHeld);
        Assert.Equal(HealthState.Up, harness.Supervisor.Snapshot.Services[Service.Nat44].State);
    }

    [Fact]
    public async Task Drain_AfterTheOldSupervisorStopped_IsRefusedWithAMessageNotLost()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();
        var old = harness.Supervisor;

        await harness.ReloadAsync(keepUplink: true, Service.Nat44, Service.Nat64);
        var answer = await old.DrainAsync([Service.Nat64], new Drain("root", harness.Time.GetUtcNow(), "late"), TestContext.Current.CancellationToken);

        Assert.Equal("border is switching to a new config; nothing was changed, ask again in a moment", answer);
        Assert.Empty(harness.Supervisor.Snapshot.Drains);
    }
}
