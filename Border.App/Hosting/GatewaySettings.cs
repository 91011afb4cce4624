using Border.App.Configuration;
using Border.Nat;
using Border.Nat.Jool;
using Border.Routing;
using Border.Routing.Attractions;

namespace Border.App.Hosting;

/// <summary>An engine a config asks for: what it serves, on which schedule its probes run, what it is built from,
/// and how to build it.</summary>
/// <param name="Name">The engine's own name (<see cref="INatEngine.Name"/>).</param>
/// <param name="Settings">Everything the engine is built from, its services and schedule included: a reload keeps
/// the running engine exactly when these are equal.</param>
/// <param name="Build">Builds the engine; called only when no running one is taken over.</param>
/// <param name="Counters">What counts the engine's traffic, when that is not the engine itself.</param>
internal sealed record EnginePlan(
    string Name,
    ValueList<Service> Services,
    ProbeSchedule Schedule,
    Settings Settings,
    Func<NatEngineFactory, INatEngine> Build,
    Func<NatEngineFactory, IEngineCounters>? Counters = null);

/// <summary>What one config asks of each engine, and what the health of each service and of the uplink depends
/// on, part by part; built from the config alone, before any engine exists.</summary>
/// <remarks>A reload compares these with the running config's by value (<see cref="ChangesFrom"/>). A service's
/// settings are its site, its section of the config, its schedule and damping, and the settings of its engines;
/// its probes follow from those. The shared nftables ruleset is left out of them: it renders every service's rules,
/// and replacing it is one atomic transaction that leaves an unchanged service's rules as they were.</remarks>
internal sealed class GatewaySettings
{
    private const string SharedRuleset = "ruleset";
    private const string Served = "services";

    private GatewaySettings(IReadOnlyList<EnginePlan> engines, IReadOnlyDictionary<Service, Settings> services, Settings uplink)
    {
        Engines = engines;
        Services = services;
        Uplink = uplink;
    }

    public IReadOnlyList<EnginePlan> Engines { get; }

    /// <summary>The enabled services, in the order status shows them, with what each one's health depends on.</summary>
    public IReadOnlyDictionary<Service, Settings> Services { get; }

    /// <summary>What the uplink's health depends on: where its state is read, its neighbours and its checks.</summary>
    public Settings Uplink { get; }

    public static GatewaySettings Of(GatewayConfig config)
    {
        var engines = new List<EnginePlan>();
        ProbeSchedule Schedule(Service service) => config.Health.Schedules[service.Name()];
        void Add(string name, ValueList<Service> served, Func<NatEngineFactory, INatEngine> build, ValueList<(string, object?)> parts, Func<NatEngineFactory, IEngineCounters>? counters = null)
        {
            var schedule = Schedule(served[0]);
            engines.Add(new EnginePlan(name, served, schedule, new Settings([.. parts, (Served, served), ("probe schedule", schedule)]), build, counters));
        }

        var sections = EnabledSections(config);
        var enabled = sections.Select(section => section.Service).ToList();
        if (ConfigBinder.Nftables(config) is { } nftables)
        {
            Add("nftables", [.. enabled.Where(service => service is not Service.Dns64 && (service is not Service.Nat64 || config.Nat64!.Tayga is not null))], factory => factory.Nftables(nftables), [(SharedRuleset, nftables)]);
        }

        if (config.Nat64 is { Engine: Nat64EngineKind.Tayga, Tayga: { } tayga })
        {
            var engineOptions = ConfigBinder.TaygaEngine(config);
            Add("tayga", [Service.Nat64], factory => factory.Tayga(tayga, engineOptions), [("tayga options", tayga), ("engine options", engineOptions)]);
        }
        else if (config.Nat64 is { Jool: { } jool })
        {
            var engineOptions = new JoolEngineOptions();
            Add("jool", [Service.Nat64], factory => factory.Jool(jool, engineOptions), [("instance", jool), ("engine options", engineOptions)], factory => factory.JoolSessions(jool));
        }

        if (ConfigBinder.Unbound(config) is { } unbound)
        {
            var engineOptions = ConfigBinder.UnboundEngine(config);
            var anycast = ConfigBinder.Anycast(config);
            Add("unbound", [Service.Dns64], factory => factory.Unbound(unbound, engineOptions, anycast), [("resolver", unbound), ("engine options", engineOptions), ("anycast", anycast)]);
        }

        var services = new OrderedDictionary<Service, Settings>();
        foreach (var (service, section) in sections)
        {
            services.Add(service, new Settings([
                ("site", config.Site),
                ("section", section),
                ("schedule", Schedule(service)),
                ("damping", config.Health.Damping),
                .. engines.Where(engine => engine.Services.Contains(service)).SelectMany(engine => engine.Settings.Parts
                    .Where(part => part.Part is not (SharedRuleset or Served))
                    .Select(part => ($"{engine.Name} {part.Part}", part.Value))),
            ]));
        }

        var routing = config.Routing;
        var uplink = new Settings([
            ("speaker", routing.Bgp.Speaker),
            ("frr", routing.Frr),
            ("gobgp", routing.Gobgp),
            ("asn", routing.Bgp.LocalAsn),
            ("neighbors", routing.Bgp.Neighbors),
            ("schedule", config.Health.Schedules["uplink"]),
            ("damping", config.Health.Damping),
        ]);
        return new GatewaySettings(engines, services, uplink);
    }

    /// <summary>What a reload from <paramref name="previous"/> to these settings does.</summary>
    public ReloadChanges ChangesFrom(GatewaySettings previous)
    {
        var engines = new List<EngineChange>();
        foreach (var engine in Engines)
        {
            var old = previous.Engines.FirstOrDefault(candidate => candidate.Name == engine.Name);
            var differences = old?.Settings.Differences(engine.Settings) ?? [];
            engines.Add(
                old is null ? new EngineChange(engine.Name, EngineAction.Started, "newly configured")
                : differences.Count == 0 ? new EngineChange(engine.Name, EngineAction.KeptRunning, "unchanged")
                : new EngineChange(engine.Name, EngineAction.RebuiltAndApplied, "changed: " + string.Join(", ", differences)));
        }

        engines.AddRange(previous.Engines
            .Where(old => Engines.All(engine => engine.Name != old.Name))
            .Select(gone => new EngineChange(gone.Name, EngineAction.Stopped, "no longer configured")));
        return new ReloadChanges(
            engines,
            Services.Where(service => previous.Services.TryGetValue(service.Key, out var before) && before == service.Value).Select(service => service.Key).ToHashSet(),
            previous.Uplink == Uplink);
    }

    /// <summary>The enabled services, each with its section of the config.</summary>
    private static List<(Service Service, object Section)> EnabledSections(GatewayConfig config)
    {
        (Service Service, object? Section)[] all = [(Service.Nat44, config.Nat44), (Service.Nat66, config.Nat66), (Service.Nat64, config.Nat64), (Service.Dns64, config.Dns64)];
        return [.. all.Where(candidate => candidate.Section is not null).Select(candidate => (candidate.Service, candidate.Section!))];
    }
}
