using Border.App.Configuration;
using Border.App.Supervision;
using Border.Nat;
using Border.Nat.Jool;
using Border.Nat.Links;
using Border.Nat.Nftables;
using Border.Nat.Unbound;
using Border.Nat.Tools;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Speakers;
using Border.Routing.Uplink;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary>An engine and the services it serves, with the schedule its probes run on.</summary>
/// <param name="Settings">Everything the engine was built from, to tell on a reload whether it must be rebuilt.</param>
/// <param name="Kept">Taken over, running, from the previous config: it needs no apply.</param>
/// <param name="Counters">What the engine counts of its traffic, for the metrics endpoint, if it counts anything.</param>
internal sealed record EngineBinding(INatEngine Engine, IReadOnlyList<Service> Services, ProbeSchedule Schedule, EngineSettings Settings, bool Kept = false, IEngineCounters? Counters = null);

/// <summary>What an engine is built from, as named texts (a rendered ruleset, options, a probe schedule).</summary>
internal sealed record EngineSettings(IReadOnlyList<(string Part, string Text)> Parts)
{
    /// <summary>The names of the parts that differ from <paramref name="other"/>'s.</summary>
    public IReadOnlyList<string> Differences(EngineSettings other) =>
        [.. Parts.Select(part => part.Part).Union(other.Parts.Select(part => part.Part)).Where(name => Text(name) != other.Text(name))];

    private string? Text(string part) => Parts.FirstOrDefault(candidate => candidate.Part == part).Text;
}

/// <summary>What a reload does to one engine, and why.</summary>
internal sealed record EngineChange(string Engine, string Action, string Why)
{
    public override string ToString() => $"{Engine} {Action} ({Why})";
}

/// <summary>Everything one config builds: the engines, the speakers, the uplink probe and the supervisor's plan.</summary>
/// <remarks>The one place the config meets the real tools; the supervisor sees only interfaces. Built for a reload,
/// it takes over every engine of the previous runtime whose settings are unchanged, running as it is, so the
/// services it serves keep their health; only the others are built anew. The speakers are always built anew: they
/// hold nothing of their own, and the first reconcile finds what the daemons really hold.</remarks>
internal sealed class GatewayRuntime : IAsyncDisposable
{
    private readonly List<IDisposable> owned;
    private readonly HashSet<INatEngine> handedOver = [];

    private GatewayRuntime(IReadOnlyList<EngineBinding> engines, IReadOnlyList<EngineChange> changes, IReadOnlyDictionary<Service, string> serviceSettings, string uplinkSettings, IReadOnlyList<IRouteSpeaker> speakers, IProbe uplink, LinkEvents uplinkLink, SupervisorPlan plan, List<IDisposable> owned)
    {
        Engines = engines;
        ServiceSettings = serviceSettings;
        UplinkSettings = uplinkSettings;
        Changes = changes;
        Speakers = speakers;
        UplinkProbe = uplink;
        UplinkLink = uplinkLink;
        Plan = plan;
        this.owned = owned;
    }

    public IReadOnlyList<EngineBinding> Engines { get; }

    /// <summary>For a reload: what happened to each engine of the previous runtime and of this one.</summary>
    public IReadOnlyList<EngineChange> Changes { get; }

    /// <summary>Per service, everything its health depends on: its section of the config, the site, its checks and
    /// their schedule, and the settings of its own engines. The shared nftables ruleset is left out: it renders
    /// every service's rules, and replacing it is one atomic transaction that leaves an unchanged service's rules
    /// as they were. A reload keeps a service's health exactly when this text is the same.</summary>
    public IReadOnlyDictionary<Service, string> ServiceSettings { get; }

    /// <summary>What the uplink's health depends on: where its state is read, its neighbours and its checks.</summary>
    public string UplinkSettings { get; }

    public IReadOnlyList<IRouteSpeaker> Speakers { get; }

    public IProbe UplinkProbe { get; }

    /// <summary>The uplink interface's state as events: its link going down takes the uplink down at once.</summary>
    public LinkEvents UplinkLink { get; }

    public SupervisorPlan Plan { get; }

    /// <param name="previous">The runtime of the config in force, when this one is built for a reload.</param>
    public static GatewayRuntime Build(GatewayConfig config, TimeProvider time, ILoggerFactory loggers, GatewayRuntime? previous = null)
    {
        var factory = NatEngineFactory.ForHost(new NatToolOptions(), time, loggers);
        var engines = new List<EngineBinding>();
        var changes = new List<EngineChange>();
        var owned = new List<IDisposable>();
        ProbeSchedule Schedule(Service service) => config.Health.Schedules[service.Name()];

        void Bind(string name, IReadOnlyList<Service> served, IEnumerable<(string Part, string Text)> parts, Func<INatEngine> create, IEngineCounters? counters = null)
        {
            var schedule = Schedule(served[0]);
            var settings = new EngineSettings([.. parts, ("services", string.Join(", ", served.Select(service => service.Name()))), ("probe schedule", schedule.ToString())]);
            var old = previous?.Engines.FirstOrDefault(binding => binding.Engine.Name == name);
            var differences = old?.Settings.Differences(settings);
            if (old is not null && differences!.Count == 0)
            {
                previous!.handedOver.Add(old.Engine);
                engines.Add(old with { Services = served, Schedule = schedule, Settings = settings, Kept = true });
                changes.Add(new EngineChange(name, "kept running", "unchanged"));
                return;
            }

            var engine = create();
            engines.Add(new EngineBinding(engine, served, schedule, settings, Counters: counters ?? engine as IEngineCounters));
            if (previous is not null)
            {
                changes.Add(old is null
                    ? new EngineChange(name, "started", "newly configured")
                    : new EngineChange(name, "rebuilt and applied", "changed: " + string.Join(", ", differences!)));
            }
        }

        if (ConfigBinder.Nftables(config) is { } nftables)
        {
            IReadOnlyList<Service> served = [.. ServicesOf(config).Where(service => service is not Service.Dns64 && (service is not Service.Nat64 || config.Nat64!.Tayga is not null))];
            Bind("nftables", served, [("ruleset", NftRulesetRenderer.RenderScript(nftables))], () => factory.Nftables(nftables));
        }

        if (config.Nat64 is { Engine: Nat64EngineKind.Tayga, Tayga: { } tayga })
        {
            var engineOptions = ConfigBinder.TaygaEngine(config);
            Bind("tayga", [Service.Nat64], [("tayga options", tayga.ToString()), ("engine options", engineOptions.ToString())], () => factory.Tayga(tayga, engineOptions));
        }
        else if (config.Nat64 is { Jool: { } jool })
        {
            var engineOptions = new JoolEngineOptions();
            Bind("jool", [Service.Nat64], [("instance file", JoolInstanceFileRenderer.Render(jool)), ("engine options", engineOptions.ToString())], () => factory.Jool(jool, engineOptions), factory.JoolSessions(jool));
        }

        if (ConfigBinder.Unbound(config) is { } unbound)
        {
            var engineOptions = ConfigBinder.UnboundEngine(config);
            var anycast = ConfigBinder.Anycast(config);
            Bind("unbound", [Service.Dns64], [("snippet", UnboundSnippetRenderer.Render(unbound)), ("engine options", engineOptions.ToString()), ("anycast", anycast.ToString())], () => factory.Unbound(unbound, engineOptions, anycast));
        }

        foreach (var gone in previous?.Engines.Where(binding => engines.All(kept => kept.Engine.Name != binding.Engine.Name)) ?? [])
        {
            changes.Add(new EngineChange(gone.Engine.Name, "stopped", "no longer configured"));
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
        var site = config.Site;
        var siteText = $"site {string.Join(' ', site.InsideIpv4)} {string.Join(' ', site.InsideIpv6)} {site.InsideInterface} {site.UplinkInterface} {site.AnycastInterface}";
        var serviceSettings = services.ToDictionary(
            service => service.Service,
            service => string.Join('\n', [
                siteText,
                SectionOf(config, service.Service),
                $"checks {string.Join(", ", service.Checks.Probes)} {service.Checks.Thresholds} {plan.Damping} {Schedule(service.Service)}",
                .. engines.Where(binding => binding.Services.Contains(service.Service))
                    .SelectMany(binding => binding.Settings.Parts.Where(part => part.Part is not ("ruleset" or "services")).Select(part => $"{binding.Engine.Name} {part.Part}: {part.Text}")),
            ]));
        var routing = config.Routing;
        var uplinkSettings = $"{routing.Bgp.Speaker} {routing.Frr} {routing.Gobgp} asn {routing.Bgp.LocalAsn} neighbors {string.Join(", ", routing.Bgp.Neighbors)} {plan.Uplink.Thresholds} {uplinkSchedule}";
        return new GatewayRuntime(engines, changes, serviceSettings, uplinkSettings, speakers.Speakers, uplink, uplinkLink, plan, owned);
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

    private static string SectionOf(GatewayConfig config, Service service) => service switch
    {
        Service.Nat44 => config.Nat44!.ToString(),
        Service.Nat66 => config.Nat66!.ToString(),
        Service.Nat64 => config.Nat64!.ToString(),
        _ => $"{config.Dns64} zones {string.Join(", ", config.Dns64!.Zones)} probe {config.Health.Dns64ProbeName}",
    };

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
