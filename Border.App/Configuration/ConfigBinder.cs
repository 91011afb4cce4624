using Border.Nat.Anycast;
using Border.Nat.Nftables;
using Border.Nat.Tayga;
using Border.Nat.Unbound;
using Border.Routing.Attractions;

namespace Border.App.Configuration;

/// <summary>Maps a validated config onto the option types the libraries own.</summary>
internal static class ConfigBinder
{
    /// <summary>border's nftables table, or <see langword="null"/> when no service needs one.</summary>
    public static NftablesOptions? Nftables(GatewayConfig config)
    {
        var site = config.Site;
        var forwards = new List<ForwardRule>();
        var sourceNats = new List<SourceNat>();
        if (config.Nat44 is { } nat44)
        {
            forwards.Add(new ForwardRule("nat44", site.InsideInterface, site.UplinkInterface, site.InsideIpv4));
            sourceNats.Add(new SourceNat("nat44", site.InsideIpv4, nat44.Pool));
        }

        if (config.Nat66 is { } nat66)
        {
            forwards.Add(new ForwardRule("nat66", site.InsideInterface, site.UplinkInterface, site.InsideIpv6));
            sourceNats.Add(new SourceNat("nat66", site.InsideIpv6, nat66.Pool));
        }

        // Tayga is stateless per client; the stateful part is ours: its dynamic pool is translated to the pool.
        if (config.Nat64?.Tayga is { } tayga)
        {
            forwards.Add(new ForwardRule("nat64", site.InsideInterface, tayga.TunDevice, site.InsideIpv6, tayga.Prefix));
            forwards.Add(new ForwardRule("nat64", tayga.TunDevice, site.UplinkInterface, [tayga.DynamicPool]));
            sourceNats.Add(new SourceNat("nat64", [tayga.DynamicPool], config.Nat64.Pool4));
        }

        return forwards.Count == 0
            ? null
            : new NftablesOptions { UplinkInterface = site.UplinkInterface, Forwards = [.. forwards], SourceNats = [.. sourceNats] };
    }

    /// <summary>The DNS64 resolver's Unbound settings, or <see langword="null"/> when dns64 is not enabled.</summary>
    public static UnboundOptions? Unbound(GatewayConfig config) =>
        config.Dns64 is not { } dns64
            ? null
            : new UnboundOptions
            {
                ListenAddresses = [dns64.AnycastIpv4.BaseAddress, dns64.AnycastIpv6.BaseAddress],
                Dns64Prefix = dns64.Prefix,
                AllowedClients = [.. config.Site.InsideIpv4, .. config.Site.InsideIpv6],
                SynthesizeAll = dns64.SynthesizeAll,
                Zones = dns64.Zones,
            };

    /// <summary>What each enabled service attracts and with which attributes.</summary>
    public static AttractionCatalogOptions Attractions(GatewayConfig config) => new()
    {
        Nat44Pool = config.Nat44?.Pool,
        Nat66Pool = config.Nat66?.Pool,
        Nat64Prefix = config.Nat64?.Prefix,
        Nat64Pool4 = config.Nat64?.Pool4,
        Dns64Anycast = config.Dns64 is { } dns64 ? [dns64.AnycastIpv4, dns64.AnycastIpv6] : [],
        Ospf = new OspfAttributes(config.Routing.Ospf.Metric, config.Routing.Ospf.MetricType),
        Bgp = new BgpAttributes(config.Routing.Bgp.Communities),
    };

    /// <summary>How the Tayga engine runs: its config file under the state directory, and the data-plane probe target.</summary>
    public static TaygaEngineOptions TaygaEngine(GatewayConfig config) => new()
    {
        ConfigPath = Path.Combine(config.Daemon.StateDirectory, "tayga.conf"),
        ProbeTarget = config.Health.Nat64ProbeTarget,
        ProbeTimeout = config.Health.Schedules["nat64"].Timeout,
    };

    /// <summary>How the Unbound engine runs Unbound and probes it: the system's service at its configured paths, or
    /// border's child with its files under the state directory unless the config names them; the IPv4-only name.</summary>
    public static UnboundEngineOptions UnboundEngine(GatewayConfig config)
    {
        var defaults = new UnboundEngineOptions();
        var run = config.Dns64?.Unbound ?? UnboundRunConfig.Service;
        string InState(string file) => Path.Combine(config.Daemon.StateDirectory, file);
        return defaults with
        {
            ConfigPath = run.ConfigPath ?? (run.Child ? InState("unbound.conf") : defaults.ConfigPath),
            SnippetPath = run.SnippetPath ?? (run.Child ? InState("unbound-dns64.conf") : defaults.SnippetPath),
            StartCommand = run.StartCommand ?? defaults.StartCommand,
            Child = run.Child ? new UnboundChildOptions { ControlSocket = run.ControlSocket ?? InState("unbound.ctl") } : null,
            ProbeName = config.Health.Dns64ProbeName ?? defaults.ProbeName,
            ProbeTimeout = config.Health.Schedules["dns64"].Timeout,
        };
    }

    /// <summary>Where the anycast resolver addresses live.</summary>
    public static AnycastOptions Anycast(GatewayConfig config) => new() { Interface = config.Site.AnycastInterface };
}
