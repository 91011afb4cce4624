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
internal sealed record EngineBinding(INatEngine Engine, IReadOnlyList<Service> Services, ProbeSchedule Schedule);

/// <summary>Everything one config builds: the engines, the speakers, the uplink probe and the supervisor's plan.</summary>
/// <remarks>The one place the config meets the real tools; the supervisor sees only interfaces.</remarks>
internal sealed class GatewayRuntime : IAsyncDisposable
{
    private readonly List<IDisposable> owned;

    private GatewayRuntime(IReadOnlyList<EngineBinding> engines, IReadOnlyList<IRouteSpeaker> speakers, IProbe uplink, LinkEvents uplinkLink, SupervisorPlan plan, List<IDisposable> owned)
    {
        Engines = engines;
        Speakers = speakers;
        UplinkProbe = uplink;
        UplinkLink = uplinkLink;
        Plan = plan;
        this.owned = owned;
    }

    public IReadOnlyList<EngineBinding> Engines { get; }

    public IReadOnlyList<IRouteSpeaker> Speakers { get; }

    public IProbe UplinkProbe { get; }

    /// <summary>The uplink interface's state as events: its link going down takes the uplink down at once.</summary>
    public LinkEvents UplinkLink { get; }

    public SupervisorPlan Plan { get; }

    public static GatewayRuntime Build(GatewayConfig config, TimeProvider time, ILoggerFactory loggers)
    {
        var factory = NatEngineFactory.ForHost(new NatToolOptions(), time, loggers);
        var engines = new List<EngineBinding>();
        var owned = new List<IDisposable>();
        ProbeSchedule Schedule(Service service) => config.Health.Schedules[service.Name()];

        if (ConfigBinder.Nftables(config) is { } nftables)
        {
            IReadOnlyList<Service> served = [.. ServicesOf(config).Where(service => service is not Service.Dns64 && (service is not Service.Nat64 || config.Nat64!.Tayga is not null))];
            var engine = factory.Nftables(nftables);
            owned.Add(engine);
            engines.Add(new EngineBinding(engine, served, Schedule(served[0])));
        }

        if (config.Nat64 is { } nat64)
        {
            INatEngine engine = nat64.Engine == Nat64EngineKind.Tayga
                ? factory.Tayga(nat64.Tayga!, ConfigBinder.TaygaEngine(config))
                : factory.Jool(nat64.Jool!, new Border.Nat.Jool.JoolEngineOptions());
            engines.Add(new EngineBinding(engine, [Service.Nat64], Schedule(Service.Nat64)));
        }

        if (ConfigBinder.Unbound(config) is { } unbound)
        {
            var engine = factory.Unbound(unbound, ConfigBinder.UnboundEngine(config), ConfigBinder.Anycast(config));
            engines.Add(new EngineBinding(engine, [Service.Dns64], Schedule(Service.Dns64)));
        }

        var speakers = RouteSpeakers.Build(config, time, loggers);
        owned.AddRange(speakers.Owned);
        var bgp = config.Routing.Bgp;
        var uplink = new UplinkProbe(speakers.UplinkSource, bgp.Neighbors, time);
        var uplinkLink = factory.Link(config.Site.UplinkInterface);
        owned.Add(uplinkLink);
        var services = ServicesOf(config).Select(service =>
        {
            var serving = engines.Where(binding => binding.Services.Contains(service)).ToList();
            var schedule = Schedule(service);
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
        return new GatewayRuntime(engines, speakers.Speakers, uplink, uplinkLink, plan, owned);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var engine in Engines.Select(binding => binding.Engine).OfType<IAsyncDisposable>())
        {
            await engine.DisposeAsync();
        }

        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }
    }

    private static IEnumerable<Service> ServicesOf(GatewayConfig config)
    {
        if (config.Nat44 is not null)
        {
            yield return Service.Nat44;
        }

        if (config.Nat66 is not null)
        {
            yield return Service.Nat66;
        }

        if (config.Nat64 is not null)
        {
            yield return Service.Nat64;
        }

        if (config.Dns64 is not null)
        {
            yield return Service.Dns64;
        }
    }
}
