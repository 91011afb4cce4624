using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Border.Nat.Jool;
using Border.Nat.Tayga;
using Border.Nat.Unbound;

namespace Border.App.Configuration;

internal static partial class ConfigLoader
{
    private static readonly int[] Rfc6052Lengths = [32, 40, 48, 56, 64, 96];

    private static readonly Dictionary<string, Nat64EngineKind> Nat64Engines = new(StringComparer.Ordinal)
    {
        ["jool"] = Nat64EngineKind.Jool,
        ["tayga"] = Nat64EngineKind.Tayga,
    };

    private static readonly Dictionary<string, UnboundZoneKind> ZoneKinds = new(StringComparer.Ordinal)
    {
        ["stub"] = UnboundZoneKind.Stub,
        ["forward"] = UnboundZoneKind.Forward,
    };

    private static readonly Dictionary<string, bool> UnboundRuns = new(StringComparer.Ordinal)
    {
        ["service"] = false,
        ["child"] = true,
    };

    private static Nat44Config? ReadNat44(ConfigSection section, bool enabled, SiteDraft? site)
    {
        var pool = section.Prefix("pool", AddressFamily.InterNetwork);
        section.RejectUnknownKeys();
        if (!enabled)
        {
            return null;
        }

        RequireInside(section, site?.InsideIpv4, "site.inside_ipv4", "IPv4");
        if (pool is not { } known)
        {
            if (!section.Has("pool"))
            {
                RequireWhenEnabled(section, "pool", "the IPv4 pool inside traffic is translated to");
            }

            return null;
        }

        RejectOverlap(section, "pool", known, site?.InsideIpv4, "site.inside_ipv4");
        return new Nat44Config(known);
    }

    private static Nat66Config? ReadNat66(ConfigSection section, bool enabled, SiteDraft? site)
    {
        var pool = section.Prefix("pool", AddressFamily.InterNetworkV6);
        section.RejectUnknownKeys();
        if (!enabled)
        {
            return null;
        }

        RequireInside(section, site?.InsideIpv6, "site.inside_ipv6", "IPv6");
        if (pool is not { } known)
        {
            if (!section.Has("pool"))
            {
                RequireWhenEnabled(section, "pool", "the IPv6 pool inside traffic is translated to");
            }

            return null;
        }

        RejectOverlap(section, "pool", known, site?.InsideIpv6, "site.inside_ipv6");
        return new Nat66Config(known);
    }

    private static Nat64Config? ReadNat64(ConfigSection section, bool enabled, SiteDraft? site, bool nat44Enabled, Nat44Config? nat44)
    {
        var prefix = Nat64Prefix(section, "prefix");
        var engine = section.Choice("engine", Nat64Engines);
        var pool4 = section.Prefix("pool4", AddressFamily.InterNetwork) ?? nat44?.Pool;
        var jool = ReadJool(section.SectionOrEmpty("jool"));
        var tayga = section.Has("tayga") ? ReadTayga(section.SectionOrEmpty("tayga"), pool4, nat44) : null;
        section.RejectUnknownKeys();
        if (!enabled)
        {
            return null;
        }

        RequireInside(section, site?.InsideIpv6, "site.inside_ipv6", "IPv6");
        if (prefix is null && !section.Has("prefix"))
        {
            RequireWhenEnabled(section, "prefix", "the NAT64 prefix (RFC 6052), for example 64:ff9b::/96");
        }

        if (!section.Has("pool4") && !nat44Enabled)
        {
            RequireWhenEnabled(section, "pool4", "the IPv4 pool NAT64 translates to (defaults to nat44.pool, but nat44 is not enabled)");
        }

        if (pool4 is not null)
        {
            RejectOverlap(section, "pool4", pool4.Value, site?.InsideIpv4, "site.inside_ipv4");
        }

        if (engine is null && !section.Has("engine"))
        {
            RequireWhenEnabled(section, "engine", "jool or tayga");
        }

        if (engine == Nat64EngineKind.Tayga && !section.Has("tayga"))
        {
            section.Error("tayga", null, "is required when nat64.engine is tayga: its ipv4_address and dynamic_pool");
        }

        if (prefix is not { } nat64Prefix || pool4 is not { } nat64Pool)
        {
            return null;
        }

        return engine switch
        {
            Nat64EngineKind.Jool => new Nat64Config(nat64Prefix, nat64Pool, Nat64EngineKind.Jool, jool.ToOptions(nat64Prefix, nat64Pool), null),
            Nat64EngineKind.Tayga when tayga is not null =>
                new Nat64Config(nat64Prefix, nat64Pool, Nat64EngineKind.Tayga, null, tayga.ToOptions(nat64Prefix)),
            _ => null,
        };
    }

    /// <summary>A NAT64 prefix: IPv6, an RFC 6052 length, and bits 64-71 zero (RFC 6052 section 2.2).</summary>
    private static IPNetwork? Nat64Prefix(ConfigSection section, string key)
    {
        var prefix = section.Prefix(key, AddressFamily.InterNetworkV6);
        if (prefix is not { } known)
        {
            return null;
        }

        if (!Rfc6052Lengths.Contains(known.PrefixLength))
        {
            section.Error(key, known.ToString(), "length must be 32, 40, 48, 56, 64 or 96 (RFC 6052)");
            return null;
        }

        if (known.BaseAddress.GetAddressBytes()[8] != 0)
        {
            section.Error(key, known.ToString(), "bits 64-71 must be zero (RFC 6052 section 2.2)");
            return null;
        }

        return known;
    }

    /// <summary>The jool section; what it leaves out keeps <see cref="JoolOptions"/>' defaults.</summary>
    private sealed record JoolDraft(string? Instance, int? LowestIpv6Mtu, PortRange? Tcp, PortRange? Udp, PortRange? Icmp)
    {
        public JoolOptions ToOptions(IPNetwork prefix, IPNetwork pool4)
        {
            var defaults = new JoolOptions { Pool6 = prefix, Pool4 = pool4 };
            return defaults with
            {
                Instance = Instance ?? defaults.Instance,
                LowestIpv6Mtu = LowestIpv6Mtu ?? defaults.LowestIpv6Mtu,
                TcpPorts = Tcp ?? defaults.TcpPorts,
                UdpPorts = Udp ?? defaults.UdpPorts,
                IcmpIds = Icmp ?? defaults.IcmpIds,
            };
        }
    }

    private static JoolDraft ReadJool(ConfigSection section)
    {
        var instance = section.String("instance");
        if (instance is not null && !JoolInstanceName().IsMatch(instance))
        {
            section.Error("instance", instance, "must be 1-15 letters, digits, '-' or '_'");
        }

        var mtu = section.Integer("lowest_ipv6_mtu", 1280, 65535, "must be between 1280 (the IPv6 minimum) and 65535");
        var ports = section.SectionOrEmpty("ports");
        var draft = new JoolDraft(instance, (int?)mtu, PortRangeOf(ports, "tcp"), PortRangeOf(ports, "udp"), PortRangeOf(ports, "icmp"));
        ports.RejectUnknownKeys();
        section.RejectUnknownKeys();
        return draft;
    }

    private static PortRange? PortRangeOf(ConfigSection section, string key)
    {
        var text = section.String(key);
        if (text is null)
        {
            return null;
        }

        var parts = text.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var first) || !int.TryParse(parts[1], out var last))
        {
            section.Error(key, text, "must be a port range FIRST-LAST, for example 1024-65535");
            return null;
        }

        if (first < 1 || last > 65535 || first > last)
        {
            section.Error(key, text, "must lie inside 1-65535 with FIRST not above LAST");
            return null;
        }

        return new PortRange(first, last);
    }

    /// <summary>The tayga section, checked; what it leaves out keeps <see cref="TaygaOptions"/>' defaults.</summary>
    private sealed record TaygaDraft(string? TunDevice, IPAddress Ipv4Address, IPNetwork DynamicPool, string? DataDirectory)
    {
        public TaygaOptions ToOptions(IPNetwork prefix)
        {
            var defaults = new TaygaOptions { Prefix = prefix, Ipv4Address = Ipv4Address, DynamicPool = DynamicPool };
            return defaults with
            {
                TunDevice = TunDevice ?? defaults.TunDevice,
                DataDirectory = DataDirectory ?? defaults.DataDirectory,
            };
        }
    }

    private static TaygaDraft? ReadTayga(ConfigSection section, IPNetwork? pool4, Nat44Config? nat44)
    {
        var tun = InterfaceName(section, "tun", required: false);
        var address = section.Address("ipv4_address", AddressFamily.InterNetwork);
        var dynamicPool = section.Prefix("dynamic_pool", AddressFamily.InterNetwork);
        var dataDirectory = AbsolutePath(section, "data_dir");
        section.RejectUnknownKeys();
        if (address is null && !section.Has("ipv4_address"))
        {
            section.Error("ipv4_address", null, "is required: Tayga's own IPv4 address, inside dynamic_pool");
        }

        if (dynamicPool is null && !section.Has("dynamic_pool"))
        {
            section.Error("dynamic_pool", null, "is required: the IPv4 addresses Tayga maps IPv6 clients to before source NAT");
        }

        if (address is null || dynamicPool is not { } pool)
        {
            return null;
        }

        if (!pool.Contains(address))
        {
            section.Error("ipv4_address", address.ToString(), $"must lie inside tayga.dynamic_pool {pool}");
            return null;
        }

        foreach (var (other, field) in new[] { (pool4, "nat64.pool4"), (nat44?.Pool, "nat44.pool") })
        {
            if (other is { } translated && Addresses.Overlaps(pool, translated))
            {
                section.Error("dynamic_pool", pool.ToString(), $"must not overlap {field} {translated}");
                return null;
            }
        }

        return new TaygaDraft(tun, address, pool, dataDirectory);
    }

    private static Dns64Config? ReadDns64(ConfigSection section, bool enabled, SiteDraft? site, bool nat64Enabled, Nat64Config? nat64)
    {
        var anycastIpv4 = Anycast(section, "anycast_ipv4", AddressFamily.InterNetwork, 32);
        var anycastIpv6 = Anycast(section, "anycast_ipv6", AddressFamily.InterNetworkV6, 128);
        var prefix = Nat64Prefix(section, "prefix") ?? nat64?.Prefix;
        var synthesizeAll = section.Bool("synthall") ?? false;
        var zones = section.Sections("zones").Select(ReadZone).ToList();
        var unbound = ReadUnboundRun(section.SectionOrEmpty("unbound"));
        section.RejectUnknownKeys();
        if (!enabled)
        {
            return null;
        }

        RequireInside(section, site?.InsideIpv4, "site.inside_ipv4", "IPv4");
        RequireInside(section, site?.InsideIpv6, "site.inside_ipv6", "IPv6");
        if (anycastIpv4 is null && !section.Has("anycast_ipv4"))
        {
            RequireWhenEnabled(section, "anycast_ipv4", "the resolver's IPv4 anycast address as a /32");
        }

        if (anycastIpv6 is null && !section.Has("anycast_ipv6"))
        {
            RequireWhenEnabled(section, "anycast_ipv6", "the resolver's IPv6 anycast address as a /128");
        }

        if (prefix is null && !section.Has("prefix") && !nat64Enabled)
        {
            RequireWhenEnabled(section, "prefix", "the NAT64 prefix to synthesize in (defaults to nat64.prefix, but nat64 is not enabled)");
        }

        if (anycastIpv4 is null || anycastIpv6 is null || prefix is null || zones.Any(zone => zone is null) || unbound is null)
        {
            return null;
        }

        return new Dns64Config(anycastIpv4.Value, anycastIpv6.Value, prefix.Value, synthesizeAll, [.. zones.OfType<UnboundZone>()], unbound);
    }

    /// <summary>The dns64.unbound section: run says who starts Unbound, and each way has fields the other refuses.</summary>
    private static UnboundRunConfig? ReadUnboundRun(ConfigSection section)
    {
        var child = section.Choice("run", UnboundRuns);
        var configPath = AbsolutePath(section, "config");
        var snippetPath = AbsolutePath(section, "snippet");
        var controlSocket = AbsolutePath(section, "control_socket");
        var startCommand = section.Strings("start_command");
        section.RejectUnknownKeys();
        if (child is null && section.Has("run"))
        {
            return null;
        }

        var valid = true;
        if (child is true && section.Has("start_command"))
        {
            section.Error("start_command", null, "is only for run service: border starts its child Unbound itself");
            valid = false;
        }

        if (child is not true && section.Has("control_socket"))
        {
            section.Error("control_socket", null, "is only for run child: the service's control interface is set in its own config");
            valid = false;
        }

        if (startCommand is [] || startCommand is [var program, ..] && !Path.IsPathRooted(program))
        {
            section.Error("start_command", startCommand is [] ? "[]" : startCommand[0], "must be an argument list starting with an absolute program path, for example [\"/usr/bin/systemctl\", \"start\", \"unbound\"]");
            valid = false;
        }

        if (controlSocket is { Length: > UnixSocketPathMax })
        {
            section.Error("control_socket", controlSocket, $"must be at most {UnixSocketPathMax} characters (a Unix socket path)");
            valid = false;
        }

        return valid ? new UnboundRunConfig(child ?? false, configPath, snippetPath, startCommand, controlSocket) : null;
    }

    private static IPNetwork? Anycast(ConfigSection section, string key, AddressFamily family, int length)
    {
        var prefix = section.Prefix(key, family);
        if (prefix is { } known && known.PrefixLength != length)
        {
            section.Error(key, known.ToString(), $"must be a single address, a /{length}");
            return null;
        }

        return prefix;
    }

    private static UnboundZone? ReadZone(ConfigSection section)
    {
        var name = section.String("name");
        var kind = section.Choice("kind", ZoneKinds) ?? UnboundZoneKind.Stub;
        var servers = section.AddressList("servers", family: null);
        section.RejectUnknownKeys();
        if (name is null)
        {
            section.Error("name", null, "is required: the zone's domain name");
        }
        else if (!DomainName().IsMatch(name))
        {
            section.Error("name", name, "must be a domain name, for example v4only.example.");
            name = null;
        }

        if (servers is null or [])
        {
            section.Error("servers", null, "needs at least one server address");
        }

        return name is null || servers is null or [] ? null : new UnboundZone(name.EndsWith('.') ? name : name + ".", kind, servers);
    }

    private static void RequireInside(ConfigSection section, IReadOnlyList<IPNetwork>? inside, string field, string family)
    {
        if (inside is null or [])
        {
            section.Error("enabled", "true", $"needs {field}: the site's {family} prefixes this service serves");
        }
    }

    private static void RequireWhenEnabled(ConfigSection section, string key, string what) =>
        section.Error(key, null, $"is required when {section.Path} is enabled: {what}");

    private static void RejectOverlap(ConfigSection section, string key, IPNetwork pool, IReadOnlyList<IPNetwork>? inside, string insideField)
    {
        foreach (var prefix in inside ?? [])
        {
            if (Addresses.Overlaps(pool, prefix))
            {
                section.Error(key, pool.ToString(), $"must not overlap {insideField} {prefix}");
            }
        }
    }

    private static string? AbsolutePath(ConfigSection section, string key)
    {
        var path = section.String(key);
        if (path is not null && !Path.IsPathRooted(path))
        {
            section.Error(key, path, "must be an absolute path");
            return null;
        }

        return path;
    }

    /// <summary>The longest path a Unix socket can bind (sun_path is 108 bytes with its terminating zero).</summary>
    private const int UnixSocketPathMax = 107;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,15}$")]
    private static partial Regex JoolInstanceName();

    [GeneratedRegex(@"^([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.)*[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\.?$")]
    private static partial Regex DomainName();
}
