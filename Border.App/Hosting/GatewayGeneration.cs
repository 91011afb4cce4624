using System.Threading.Channels;
using Border.App.Configuration;
using Border.App.State;
using Border.App.Supervision;
using Border.Nat;
using Border.Nat.Links;
using Border.Nat.Tools;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Reconciliation;
using Border.Routing.Uplink;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary>An engine and the services it serves, with the schedule its probes run on.</summary>
/// <param name="Kept">Taken over, running, from the previous generation: it needs no apply.</param>
/// <param name="Counters">What the engine counts of its traffic, for the metrics endpoint, if it counts anything.</param>
internal sealed record EngineBinding(INatEngine Engine, IReadOnlyList<Service> Services, ProbeSchedule Schedule, bool Kept = false, IEngineCounters? Counters = null);

/// <summary>A valid, changed config waiting to replace the running one, and the answer to whoever asked.</summary>
internal sealed record PendingReload(GatewayConfig Config, string Text, TaskCompletionSource<string> Done);

/// <summary>One config's gateway, from start to stop: its engines, speakers, uplink probe and supervisor, and the
/// loops that bring the supervisor their results.</summary>
/// <remarks>The one place the config meets the real tools; the supervisor sees only interfaces and its
/// <see cref="SupervisorPlan"/>. A generation started for a reload compares its settings with the running one's
/// (<see cref="GatewaySettings.ChangesFrom"/>): it takes over, running, every engine whose settings are unchanged,
/// and the health of every service and of the uplink whose settings are unchanged, so those keep their
/// announcements; only the other engines are built and applied. The speakers are always built anew: they hold
/// nothing of their own, and the first reconcile finds what the daemons really hold.</remarks>
internal sealed partial class GatewayGeneration
{
    private readonly GatewaySettings settings;
    private readonly IReadOnlyList<EngineBinding> engines;
    private readonly RouteSpeakers speakers;
    private readonly IProbe uplinkProbe;
    private readonly LinkEvents uplinkLink;
    private readonly HashSet<INatEngine> handedOver = [];
    private readonly CancellationTokenSource running;
    private readonly TaskCompletionSource<PendingReload?> reload = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> loops = [];
    private readonly Task supervising;

    private GatewayGeneration(GatewaySettings settings, IReadOnlyList<EngineChange> changes, IReadOnlyList<EngineBinding> engines, RouteSpeakers speakers, IProbe uplinkProbe, LinkEvents uplinkLink, GatewaySupervisor supervisor, CancellationTokenSource running)
    {
        this.settings = settings;
        Changes = changes;
        this.engines = engines;
        this.speakers = speakers;
        this.uplinkProbe = uplinkProbe;
        this.uplinkLink = uplinkLink;
        Supervisor = supervisor;
        this.running = running;
        supervising = supervisor.RunAsync(running.Token);
    }

    public GatewaySupervisor Supervisor { get; }

    public bool IsAlive => !supervising.IsCompleted;

    /// <summary>What this generation did to the engines of the one before it; empty for the first.</summary>
    public IReadOnlyList<EngineChange> Changes { get; }

    /// <summary>The engines that count their traffic.</summary>
    public IEnumerable<(string Engine, IEngineCounters Counters)> Counters =>
        engines.Where(binding => binding.Counters is not null).Select(binding => (binding.Engine.Name, binding.Counters!));

    /// <summary>Builds and starts the generation of <paramref name="config"/>; for a reload, stops
    /// <paramref name="previous"/> and takes over its unchanged engines and the health of its unchanged services.</summary>
    public static async Task<GatewayGeneration> StartAsync(GatewayConfig config, DrainStore drains, TimeProvider time, ILoggerFactory loggers, GatewayGeneration? previous, CancellationToken stopping)
    {
        var settings = GatewaySettings.Of(config);
        var changes = previous is null ? null : settings.ChangesFrom(previous.settings);
        var factory = NatEngineFactory.ForHost(new NatToolOptions(), time, loggers);
        var engines = settings.Engines
            .Select(plan => changes?.KeepsEngine(plan.Name) is true ? previous!.HandOver(plan) : Build(plan, factory))
            .ToList();
        var speakers = RouteSpeakers.Build(config, time, loggers);
        var uplinkProbe = new UplinkProbe(speakers.UplinkSource, config.Routing.Bgp.Neighbors, time);
        var uplinkLink = factory.Link(config.Site.UplinkInterface);
        var plan = PlanOf(config, settings.Services.Keys, engines, uplinkProbe);

        // The reload's lines read as the daemon's, with the ones that announce and answer it.
        var handover = previous is null
            ? null
            : await previous.EndForReloadAsync(changes!, settings.Services.Keys, loggers.CreateLogger<GatewayDaemon>());
        var supervisor = new GatewaySupervisor(
            plan,
            drains,
            speakers.Speakers,
            new AttractionReconciler(speakers.Speakers, loggers.CreateLogger<AttractionReconciler>()),
            time,
            loggers.CreateLogger<GatewaySupervisor>(),
            handover);
        var generation = new GatewayGeneration(settings, changes?.Engines ?? [], engines, speakers, uplinkProbe, uplinkLink, supervisor, CancellationTokenSource.CreateLinkedTokenSource(stopping));
        await generation.StartChecksAsync(config, time, loggers);
        return generation;
    }

    /// <summary>Hands a valid changed config to the run loop; false when a reload or stop is already under way.</summary>
    public bool RequestReload(PendingReload pending) => reload.TrySetResult(pending);

    /// <summary>Waits for a reload (its config) or a stop (<see langword="null"/>).</summary>
    public async Task<PendingReload?> WaitAsync(CancellationToken stopping)
    {
        using var registration = stopping.Register(() => reload.TrySetResult(null));
        return await reload.Task;
    }

    /// <summary>Ends the loops and the supervisor, withdraws everything when asked, and stops the engines and the
    /// speakers' connections.</summary>
    /// <returns>Whether the withdrawal asked for finished within <see cref="GatewayDaemon.StopBudget"/>. The engines
    /// and their monitors are ended either way: a withdrawal that ran out of time must not leave them running.</returns>
    public async Task<bool> StopAsync(bool withdraw)
    {
        await EndLoopsAsync();
        var withdrawn = true;
        if (withdraw)
        {
            using var budget = new CancellationTokenSource(GatewayDaemon.StopBudget);
            try
            {
                await Supervisor.WithdrawAllAsync(budget.Token);
            }
            catch (OperationCanceledException) when (budget.IsCancellationRequested)
            {
                withdrawn = false;
            }
        }

        await DisposeAsync();
        return withdrawn;
    }

    private static EngineBinding Build(EnginePlan plan, NatEngineFactory factory)
    {
        var engine = plan.Build(factory);
        return new EngineBinding(engine, plan.Services, plan.Schedule, Counters: plan.Counters?.Invoke(factory) ?? engine as IEngineCounters);
    }

    /// <summary>What the supervisor judges: each service with the probes of the engines serving it, and the uplink.</summary>
    private static SupervisorPlan PlanOf(GatewayConfig config, IEnumerable<Service> services, IReadOnlyList<EngineBinding> engines, IProbe uplinkProbe)
    {
        CheckPlan Checks(IEnumerable<IProbe> probes, string scheduled)
        {
            var schedule = config.Health.Schedules[scheduled];
            return new CheckPlan([.. probes.Select(probe => probe.Name)], new HealthThresholds(schedule.Rise, schedule.Fall));
        }

        ServicePlan Serving(Service service)
        {
            var serving = engines.Where(binding => binding.Services.Contains(service)).ToList();
            return new ServicePlan(service, string.Join(" + ", serving.Select(binding => binding.Engine.Name)), Checks(serving.SelectMany(binding => binding.Engine.Probes), service.Name()));
        }

        var damping = config.Health.Damping;
        return new SupervisorPlan(
            config.Name,
            AttractionCatalog.Build(ConfigBinder.Attractions(config)),
            [.. services.Select(Serving)],
            Checks([uplinkProbe], "uplink"),
            new DampingOptions(damping.HoldDown, damping.MaxHoldDown));
    }

    /// <summary>Gives the running engine <paramref name="plan"/> names to the next generation, which applies nothing to it.</summary>
    private EngineBinding HandOver(EnginePlan plan)
    {
        var binding = engines.First(binding => binding.Engine.Name == plan.Name);
        handedOver.Add(binding.Engine);
        return binding with { Services = plan.Services, Schedule = plan.Schedule, Kept = true };
    }

    /// <summary>Ends this generation for the next one: the loops and the supervisor stop without withdrawing, the
    /// supervisor hands over the health <paramref name="changes"/> keeps, and everything not taken over stops.</summary>
    private async Task<HealthHandover> EndForReloadAsync(ReloadChanges changes, IEnumerable<Service> nextServices, ILogger logger)
    {
        await EndLoopsAsync();
        var handover = Supervisor.HandOver(service => changes.ServicesKept.Contains(service.Service), changes.UplinkKept);
        foreach (var change in changes.Engines)
        {
            LogEngineChange(logger, change.Engine, change.Verb, change.Why);
        }

        foreach (var service in nextServices)
        {
            LogServiceReload(logger, service.Name(), changes.ServicesKept.Contains(service) ? "keeps its health and announcements (unchanged)" : "rises again through its checks (its settings changed or it is new)");
        }

        await DisposeAsync();
        return handover;
    }

    private async Task EndLoopsAsync()
    {
        await running.CancelAsync();
        await Task.WhenAll([supervising, .. loops]);
    }

    /// <summary>Stops the supervisor's timer, every engine not handed over to a newer generation, and the speakers'
    /// and the uplink link's connections.</summary>
    private async Task DisposeAsync()
    {
        Supervisor.Dispose();
        foreach (var engine in engines.Select(binding => binding.Engine).Where(engine => !handedOver.Contains(engine)))
        {
            if (engine is IAsyncDisposable asynchronous)
            {
                await asynchronous.DisposeAsync();
            }
            else if (engine is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        foreach (var disposable in speakers.Owned)
        {
            disposable.Dispose();
        }

        uplinkLink.Dispose();
        running.Dispose();
    }

    private async Task StartChecksAsync(GatewayConfig config, TimeProvider time, ILoggerFactory loggers)
    {
        var applierLogger = loggers.CreateLogger<EngineApplier>();
        foreach (var binding in engines)
        {
            loops.Add(PumpEventsAsync(binding.Engine.Events, binding.Services));
            var applied = Task.CompletedTask;
            var applier = new EngineApplier(binding.Engine, binding.Services, Supervisor.Report, time, applierLogger);
            if (binding.Kept)
            {
                // Applied by the generation before; this one still answers the engine's requests to apply again.
                loops.Add(applier.AnswerRequestsAsync(running.Token));
            }
            else
            {
                // Each engine applies on its own: one that fails and retries does not hold back the others.
                loops.Add(applier.RunAsync(running.Token));
                applied = applier.FirstAttempt;
            }

            foreach (var probe in binding.Engine.Probes)
            {
                var runner = new ProbeRunner(probe, binding.Schedule, time, result => Supervisor.Report(new CheckReport(binding.Services, result, IsEvent: false)));
                loops.Add(ProbeAfterAsync(applied, runner));
            }
        }

        loops.Add(new ProbeRunner(uplinkProbe, config.Health.Schedules["uplink"], time, result => Supervisor.Report(new CheckReport([], result, IsEvent: false))).RunAsync(running.Token));
        loops.Add(PumpEventsAsync(uplinkLink.Events, []));
        await uplinkLink.StartAsync(running.Token);
    }

    private async Task ProbeAfterAsync(Task applied, ProbeRunner runner)
    {
        await applied;
        await runner.RunAsync(running.Token);
    }

    private async Task PumpEventsAsync(ChannelReader<CheckResult> events, IReadOnlyList<Service> services)
    {
        try
        {
            await foreach (var result in events.ReadAllAsync(running.Token))
            {
                Supervisor.Report(new CheckReport(services, result, IsEvent: true));
            }
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
