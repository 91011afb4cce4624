using System.Net;
using Border.Nat.Nftables;
using Border.Routing.Health;
using Border.Routing.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Nat.Nftables;

public sealed class NftablesEngineTests : IDisposable
{
    private static readonly NftablesOptions Options = new()
    {
        UplinkInterface = "up0",
        Forwards = [new ForwardRule("nat44", "in4", "up0", [IPNetwork.Parse("198.51.100.0/25")])],
        SourceNats = [new SourceNat("nat44", [IPNetwork.Parse("198.51.100.0/25")], IPNetwork.Parse("192.0.2.0/30"))],
    };

    private readonly ImpossibleCalls impossible = new();

    [Fact]
    public async Task Apply_TableMissing_AppliesWholeScriptOnce()
    {
        var nft = new FakeNftables(impossible) { AllowApply = true };

        await Engine(nft).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal([NftRulesetRenderer.RenderScript(Options)], nft.Applied);
        Assert.Equal(NftRulesetRenderer.RenderTable(Options), nft.Live);
    }

    [Fact]
    public async Task Apply_TableAlreadyAsRendered_AppliesNothing()
    {
        var nft = new FakeNftables(impossible) { Live = NftRulesetRenderer.RenderTable(Options) };

        await Engine(nft).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Empty(nft.Applied);
    }

    [Fact]
    public async Task Apply_NftRefuses_ThrowsWithStderr()
    {
        var nft = new FakeNftables(impossible) { AllowApply = true, Refusal = "Error: Could not process rule: No such file or directory" };

        var failure = await Assert.ThrowsAsync<CommandFailedException>(() => Engine(nft).ApplyAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Could not process rule", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_TableEdited_FailsWithDifferencePublishesEventAndReapplies()
    {
        var nft = new FakeNftables(impossible) { Live = NftRulesetRenderer.RenderTable(Options).Replace("ct state invalid drop\n", "", StringComparison.Ordinal), AllowApply = true };
        var engine = Engine(nft);

        var result = await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("table inet border differs: missing 'ct state invalid drop'; re-applied", result.Reason);
        Assert.Single(nft.Applied);
        Assert.True(engine.Events.TryRead(out var fault));
        Assert.Equal("table inet border differs: missing 'ct state invalid drop'", fault.Reason);
        Assert.True(engine.Events.TryRead(out var healed));
        Assert.True(healed.Healthy);
    }

    [Fact]
    public async Task Probe_TableMatches_PassesWithoutApplying()
    {
        var nft = new FakeNftables(impossible) { Live = NftRulesetRenderer.RenderTable(Options) };
        var engine = Engine(nft);

        var result = await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Healthy);
        Assert.Equal("nft-table inet border", result.Check);
        Assert.Same(result, engine.Probes[0].Last);
        Assert.False(engine.Events.TryRead(out _));
    }

    [Fact]
    public async Task Probe_NftCannotRun_FailsWithItsReason()
    {
        var nft = new FakeNftables(impossible) { ListFailure = "/usr/sbin/nft could not start: No such file or directory" };

        var result = await Engine(nft).Probes[0].ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.StartsWith("/usr/sbin/nft could not start", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TableDeletedNotification_TableGone_PublishesAndHealsWithoutWaitingForProbe()
    {
        var (nft, watcher, engine) = await AppliedAsync();
        using var _ = engine;
        Assert.Equal(("inet", "border"), watcher.Watched);
        nft.Live = null;

        watcher.OnDeleted!();

        var fault = await Integration.Nat.Waiting.EventAsync(engine.Events, result => !result.Healthy, TimeSpan.FromSeconds(5));
        Assert.Equal("table inet border missing", fault?.Reason);
        var healed = await Integration.Nat.Waiting.EventAsync(engine.Events, result => result.Healthy, TimeSpan.FromSeconds(5));
        Assert.Equal("table inet border re-applied", healed?.Reason);
        Assert.Equal(2, nft.Applied.Count);
    }

    [Fact]
    public async Task TableDeletedNotification_OwnApplyLeftTableWhole_NothingPublished()
    {
        var (nft, watcher, engine) = await AppliedAsync();
        using var _ = engine;
        nft.AllowApply = false;

        watcher.OnDeleted!();

        Assert.True((await engine.ReadBackAsync(TestContext.Current.CancellationToken)).Healthy);
        Assert.Null(await Integration.Nat.Waiting.EventAsync(engine.Events, _ => true, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task TableDeletedNotification_EventsAndProbe_HealthTrackerTakesBothAndTheServiceComesBackAfterRise()
    {
        var (nft, watcher, engine) = await AppliedAsync();
        using var _ = engine;
        var tracker = new ServiceHealthTracker(engine.Probes.Select(probe => probe.Name), new HealthThresholds(Rise: 2, Fall: 2), new DampingOptions(TimeSpan.Zero, TimeSpan.Zero), TimeProvider.System);
        for (var pass = 0; pass < 2; pass++)
        {
            tracker.RecordProbe(await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken));
        }

        Assert.Equal(HealthState.Up, tracker.Current.State);
        nft.Live = null;

        watcher.OnDeleted!();

        var fault = await Integration.Nat.Waiting.EventAsync(engine.Events, result => !result.Healthy, TimeSpan.FromSeconds(5));
        tracker.RecordEvent(fault!);
        Assert.Equal(HealthState.Down, tracker.Current.State);
        Assert.Contains("nft-drift inet border: table inet border missing", tracker.Current.Reason, StringComparison.Ordinal);
        tracker.RecordEvent((await Integration.Nat.Waiting.EventAsync(engine.Events, result => result.Healthy, TimeSpan.FromSeconds(5)))!);
        tracker.RecordProbe(await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HealthState.Down, tracker.Current.State);
        tracker.RecordProbe(await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HealthState.Up, tracker.Current.State);
    }

    [Fact]
    public async Task Probe_HealFailedThenTableMendedBySomeoneElse_PublishesTheRecovery()
    {
        var nft = new FakeNftables(impossible) { AllowApply = true, Refusal = "Error: Could not process rule: No such file or directory" };
        var engine = Engine(nft);
        Assert.False((await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken)).Healthy);
        Assert.True(engine.Events.TryRead(out var fault));
        Assert.False(fault.Healthy);
        nft.Live = NftRulesetRenderer.RenderTable(Options);

        var result = await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Healthy);
        Assert.True(engine.Events.TryRead(out var recovered));
        Assert.Equal(("nft-drift inet border", true, "table inet border matches"), (recovered.Check, recovered.Healthy, recovered.Reason));
        Assert.Empty(nft.Applied);
    }

    public void Dispose() => impossible.AssertNone();

    /// <summary>An engine that has applied its table once, with the fakes behind it.</summary>
    private async Task<(FakeNftables Nft, FakeTableWatcher Watcher, NftablesEngine Engine)> AppliedAsync()
    {
        var nft = new FakeNftables(impossible) { AllowApply = true };
        var watcher = new FakeTableWatcher();
        var engine = Engine(nft, watcher);
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        return (nft, watcher, engine);
    }

    private static NftablesEngine Engine(FakeNftables nft, FakeTableWatcher? watcher = null) =>
        new(Options, nft, watcher ?? new FakeTableWatcher(), TimeProvider.System, NullLogger<NftablesEngine>.Instance);

    private sealed class FakeTableWatcher : INftTableWatcher
    {
        public (string Family, string Table)? Watched { get; private set; }

        public Action? OnDeleted { get; private set; }

        public IDisposable Watch(string family, string table, Action onDeleted)
        {
            Watched = (family, table);
            OnDeleted = onDeleted;
            return new NoWatch();
        }

        private sealed class NoWatch : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
