using Border.App.Configuration;
using Border.App.Supervision;
using Border.Nat;
using Border.Nat.Links;
using Border.Nat.Tools;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Speakers;
using Border.Routing.Uplink;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary>An engine and the services it serves, with the schedule its probes run on.</summary>
/// <param name="Kept">Taken over, running, from the previous config: it needs no apply.</param>
/// <param name="Counters">What the engine counts of its traffic, for the metrics endpoint, if it counts anything.</param>
internal sealed record EngineBinding(INatEngine Engine, IReadOnlyList<Service> Services, ProbeSchedule Schedule, bool Kept = false, IEngineCounters? Counters = null);

/// <summary>Everything one config builds: the engines, the speakers, the uplink probe and the supervisor's plan.</summary>
/// <remarks>The one place the config meets the real tools; the supervisor sees only interfaces. Built for a reload,
/// it takes over every engine of the previous runtime whose settings are unchanged, running as it is, so the
/// services it serves keep their health; only the others are built anew. The speakers are always built anew: they
/// hold nothing of their own, and the first reconcile finds what the daemons really hold.</remarks>
internal sealed class GatewayRuntime : IAsyncDisposable
{
    private readonly List<IDisposable> owned;
    private readonly HashSet<INatEngine> handedOver = [];

    private GatewayRuntime(IReadOnlyList<EngineBinding> engines, GatewaySettings settings, ReloadChanges? changes, IReadOnlyList<IRouteSpeaker> speakers, IProbe uplink, LinkEvents uplinkLink, SupervisorPlan plan, List<IDisposable> owned)
    {
        Engines = engines;
        Settings = settings;
        Changes = changes;
        Speakers = speakers;
        UplinkProbe = uplink;
        UplinkLink = uplinkLink;
        Plan = plan;
        this.owned = owned;
    }

    public IReadOnlyList<EngineBinding> Engines { get; }

    /// <summary>What the config asks of each engine, service and the uplink, as a reload compares it.</summary>
    public GatewaySettings Settings { get; }

    /// <summary>For a reload: what it did to each engine of the previous runtime and of this one, and which health it kept.</summary>
    public ReloadChanges? Changes { get; }

    public IReadOnlyList<IRouteSpeaker> Speakers { get; }

    public IProbe UplinkProbe { get; }

    /// <summary>The uplink interface's state as events: its link going down takes the uplink down at once.</summary>
    public LinkEvents UplinkLink { get; }

    public SupervisorPlan Plan { get; }

    /// <param name="previous">The runtime of the config in force, when this one is built for a reload.</param>
    public static GatewayRuntime Build(GatewayConfig config, TimeProvider time, ILoggerFactory loggers, GatewayRuntime? previous = null)
    {
        var factory = NatEngineFactory.ForHost(new NatToolOptions(), time, loggers);
        var settings = GatewaySettings.Of(config);
        var changes = previous is null ? null : settings.ChangesFrom(previous.Settings);
        var owned = new List<IDisposable>();
        var engines = settings.Engines.Select(plan =>
        {
            if (changes?.KeepsEngine(plan.Name) is true)
            {
                var old = previous!.Engines.First(binding => binding.Engine.Name == plan.Name);
                previous.handedOver.Add(old.Engine);
                return old with { Services = plan.Services, Schedule = plan.Schedule, Kept = true };
            }

            var engine = plan.Build(factory);
            return new EngineBinding(engine, plan.Services, plan.Schedule, Counters: plan.Counters?.Invoke(factory) ?? engine as IEngineCounters);
        }).ToList();

        var speakers = RouteSpeakers.Build(config, time, loggers);
        owned.AddRange(speakers.Owned);
        var bgp = config.Routing.Bgp;
        var uplink = new UplinkProbe(speakers.UplinkSource, bgp.Neighbors, time);
        var uplinkLink = factory.Link(config.Site.UplinkInterface);
        owned.Add(uplinkLink);
        var services = settings.Services.Keys.Select(service =>
        {
            var serving = engines.Where(binding => binding.Services.Contains(service)).ToList();
            var schedule = config.Health.Schedules[service.Name()];
            return new ServicePlan(
                service,
                string.Join(" + ", serving.Select(binding => binding.Engine.Name)),
                new CheckPlan([.. serving.SelectMany(binding => binding.Engine.Probes).Select(probe => probe.Name)], new HealthThresholds(schedule.Rise, schedule.Fall)));
        }).ToList();
        var uplinkSchedule = config.Health.Schedules["uplink"];
        var plan = new SupervisorPlan(
            config.Name,
            AttractionCatalog.Build(ConfigBinder.Attractions(config)),
            services,
            new CheckPlan([uplink.Name], new HealthThresholds(uplinkSchedule.Rise, uplinkSchedule.Fall)),
            new DampingOptions(config.Health.Damping.HoldDown, config.Health.Damping.MaxHoldDown));
        return new GatewayRuntime(engines, settings, changes, speakers.Speakers, uplink, uplinkLink, plan, owned);
    }

    /// <summary>Stops every engine not handed over to a newer runtime, and the speakers' connections.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var engine in Engines.Select(binding => binding.Engine).Where(engine => !handedOver.Contains(engine)))
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

        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }
    }
}
