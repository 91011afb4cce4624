using System.Text.Json.Nodes;
using Border.App.Configuration;
using Border.Routing.Attractions;

namespace Border.Tests.App.Configuration;

public sealed class ConfigLoaderTests
{
    private static readonly string LabGateway = File.ReadAllText(Path.Combine(TestPaths.Examples, "lab", "gw1.json"));

    public static TheoryData<string> Examples() => new(TestPaths.ExampleConfigs());

    [Theory]
    [MemberData(nameof(Examples))]
    public void Load_Example_IsValid(string path)
    {
        var config = ConfigLoader.Load(path);

        Assert.Equal(Path.GetFileNameWithoutExtension(path), config.Name);
    }

    /// <summary>Each rule, broken once on top of the valid lab gateway: the message names the field, the value and the rule.</summary>
    public static TheoryData<string, string, string> BrokenRules() => new()
    {
        { "unknown key", """{"nat64": {"prefx": "2001:db8:d78:564::/96"}}""", "nat64.prefx: unknown key; known keys here are enabled, engine, jool, pool4, prefix, tayga" },
        { "unknown top-level key", """{"nat46": {}}""", "nat46: unknown key; known keys here are bgp, daemon, dns64, gateway, health, interfaces, nat44, nat64, nat66, ospf, site, speakers" },
        { "prefix syntax", """{"nat44": {"pool": "192.0.2.0"}}""", "nat44.pool 192.0.2.0: must be an IPv4 prefix in CIDR notation (address/length)" },
        { "prefix family", """{"nat66": {"pool": "192.0.2.0/30"}}""", "nat66.pool 192.0.2.0/30: must be an IPv6 prefix" },
        { "host bits", """{"nat44": {"pool": "192.0.2.1/30"}}""", "nat44.pool 192.0.2.1/30: host bits are set past /30; the prefix is 192.0.2.0/30" },
        { "inside prefix family", """{"site": {"inside_ipv4": ["2001:db8::/32"], "inside_ipv6": ["2001:db8:d78:500::/56"]}}""", "site.inside_ipv4[0] 2001:db8::/32: must be an IPv4 prefix" },
        { "rfc 6052 length", """{"nat64": {"prefix": "2001:db8::/33"}}""", "nat64.prefix 2001:db8::/33: length must be 32, 40, 48, 56, 64 or 96 (RFC 6052)" },
        { "rfc 6052 u-octet", """{"nat64": {"prefix": "2001:db8:d78:564:ff00::/96"}}""", "nat64.prefix 2001:db8:d78:564:ff00::/96: bits 64-71 must be zero (RFC 6052 section 2.2)" },
        { "well-known prefix with non-global pool", """{"nat64": {"prefix": "64:ff9b::/96"}}""", "nat64.prefix 64:ff9b::/96 with pool4 192.0.2.0/30: the well-known prefix 64:ff9b::/96 must not be used with non-global IPv4 addresses (RFC 6052 section 3.1); use a network-specific prefix" },
        { "well-known prefix with non-global target", """{"nat64": {"prefix": "64:ff9b::/96"}}""", "health.nat64.probe_target 203.0.113.10 with 64:ff9b::/96: the well-known prefix 64:ff9b::/96 must not be used with non-global IPv4 addresses (RFC 6052 section 3.1); use a network-specific prefix" },
        { "pool overlaps inside", """{"nat44": {"pool": "198.51.100.0/30"}}""", "nat44.pool 198.51.100.0/30: must not overlap site.inside_ipv4 198.51.100.0/25" },
        { "ipv6 pool overlaps inside", """{"nat66": {"pool": "2001:db8:d78:500::/125"}}""", "nat66.pool 2001:db8:d78:500::/125: must not overlap site.inside_ipv6 2001:db8:d78:500::/56" },
        { "anycast ipv4 length", """{"dns64": {"anycast_ipv4": "198.51.100.52/31"}}""", "dns64.anycast_ipv4 198.51.100.52/31: must be a single address, a /32" },
        { "anycast ipv6 length", """{"dns64": {"anycast_ipv6": "2001:db8:d78:500::1:0/127"}}""", "dns64.anycast_ipv6 2001:db8:d78:500::1:0/127: must be a single address, a /128" },
        { "port range order", """{"nat64": {"jool": {"ports": {"tcp": "2000-1024"}}}}""", "nat64.jool.ports.tcp 2000-1024: must lie inside 1-65535 with FIRST not above LAST" },
        { "port range bounds", """{"nat64": {"jool": {"ports": {"udp": "0-65535"}}}}""", "nat64.jool.ports.udp 0-65535: must lie inside 1-65535 with FIRST not above LAST" },
        { "port range syntax", """{"nat64": {"jool": {"ports": {"icmp": "1024"}}}}""", "nat64.jool.ports.icmp 1024: must be a port range FIRST-LAST, for example 1024-65535" },
        { "asn range", """{"bgp": {"asn": 0}}""", "bgp.asn 0: must be an AS number between 1 and 4294967294" },
        { "asn reserved", """{"bgp": {"asn": 23456}}""", "bgp.asn 23456: is reserved (23456 is AS_TRANS, 65535 is reserved) and cannot be used" },
        { "neighbour asn", """{"bgp": {"neighbors": [{"address": "203.0.113.1", "asn": 64513}]}}""", "bgp.neighbors[0].asn 64513: must differ from bgp.asn: upstream sessions are eBGP" },
        { "community", """{"bgp": {"communities": ["no-exprot"]}}""", "bgp.communities[0] no-exprot: must be no-export, no-advertise or ASN:VALUE with both parts 0-65535" },
        { "timeout below interval", """{"health": {"nat64": {"interval": "1s", "timeout": "1s"}}}""", "health.nat64.timeout 1000ms: must be shorter than interval (1000ms)" },
        { "rise at least one", """{"health": {"dns64": {"rise": 0}}}""", "health.dns64.rise 0: must be between 1 and 100" },
        { "fall at least one", """{"health": {"uplink": {"fall": 0}}}""", "health.uplink.fall 0: must be between 1 and 100" },
        { "duration unit", """{"health": {"nat44": {"interval": "1"}}}""", "health.nat44.interval 1: must be a positive duration with a unit: ms, s or m (for example 500ms, 2s)" },
        { "enabled service without engine", """{"nat64": {"engine": null}}""", "nat64.engine: is required when nat64 is enabled: jool or tayga" },
        { "unknown engine", """{"nat64": {"engine": "bird"}}""", "nat64.engine bird: must be one of jool, tayga" },
        { "tayga engine without its settings", """{"nat64": {"tayga": null}}""", "nat64.tayga: is required when nat64.engine is tayga: its ipv4_address and dynamic_pool" },
        { "tayga address outside its pool", """{"nat64": {"tayga": {"ipv4_address": "198.51.100.250"}}}""", "nat64.tayga.ipv4_address 198.51.100.250: must lie inside tayga.dynamic_pool 198.51.100.192/28" },
        { "enabled service without pool", """{"nat44": {"pool": null}}""", "nat44.pool: is required when nat44 is enabled: the IPv4 pool inside traffic is translated to" },
        { "interface name", """{"interfaces": {"inside": "a-name-longer-than-15"}}""", "interfaces.inside a-name-longer-than-15: must be a Linux interface name: 1-15 letters, digits, '-', '_' or '.'" },
        { "wrong type", """{"ospf": {"metric": "200"}}""", "ospf.metric \"200\": must be a whole number" },
        { "metric type", """{"ospf": {"metric_type": "E3"}}""", "ospf.metric_type E3: must be one of E1, E2" },
        { "gateway name", """{"gateway": "GW 1"}""", "gateway GW 1: must be 1-32 lower-case letters, digits or '-', starting with a letter or digit" },
        { "unbound run", """{"dns64": {"unbound": {"run": "systemd"}}}""", "dns64.unbound.run systemd: must be one of service, child" },
        { "unbound start command for a child", """{"dns64": {"unbound": {"start_command": ["/usr/sbin/unbound"]}}}""", "dns64.unbound.start_command: is only for run service: border starts its child Unbound itself" },
        { "unbound control socket for the service", """{"dns64": {"unbound": {"run": "service", "control_socket": "/run/border/unbound.ctl"}}}""", "dns64.unbound.control_socket: is only for run child: the service's control interface is set in its own config" },
        { "unbound control socket length", "{\"dns64\": {\"unbound\": {\"control_socket\": \"/" + new string('s', 107) + "\"}}}", $"dns64.unbound.control_socket /{new string('s', 107)}: must be at most 107 characters (a Unix socket path)" },
        { "unbound relative config", """{"dns64": {"unbound": {"config": "unbound.conf"}}}""", "dns64.unbound.config unbound.conf: must be an absolute path" },
        { "unbound relative snippet", """{"dns64": {"unbound": {"snippet": "conf.d/border.conf"}}}""", "dns64.unbound.snippet conf.d/border.conf: must be an absolute path" },
        { "unbound start command program", """{"dns64": {"unbound": {"run": "service", "start_command": ["systemctl", "start", "unbound"]}}}""", "dns64.unbound.start_command systemctl: must be an argument list starting with an absolute program path, for example [\"/usr/bin/systemctl\", \"start\", \"unbound\"]" },
        { "unbound start command empty", """{"dns64": {"unbound": {"run": "service", "start_command": []}}}""", "dns64.unbound.start_command []: must be an argument list starting with an absolute program path, for example [\"/usr/bin/systemctl\", \"start\", \"unbound\"]" },
        { "unbound unknown key", """{"dns64": {"unbound": {"pidfile": "/run/unbound.pid"}}}""", "dns64.unbound.pidfile: unknown key; known keys here are config, control_socket, run, snippet, start_command" },
        { "control group empty", """{"daemon": {"control_group": ""}}""", "daemon.control_group \"\": must be a group name: not empty, without ':' or control characters" },
        { "control group with a colon", """{"daemon": {"control_group": "ops:admins"}}""", "daemon.control_group ops:admins: must be a group name: not empty, without ':' or control characters" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public void Parse_BrokenRule_ReportsFieldValueAndRule(string rule, string patch, string expected)
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(Patch(LabGateway, patch), "gw1.json"));

        Assert.True(
            exception.Errors.Any(error => error.ToString() == expected),
            $"{rule}: expected \"{expected}\" among:\n" + string.Join('\n', exception.Errors));
    }

    [Fact]
    public void Parse_SeveralErrors_ReportsEveryOne()
    {
        var broken = Patch(LabGateway, """{"nat44": {"pool": "192.0.2.1/30"}, "ospf": {"metric": -1}, "bgp": {"asn": 65535}, "surprise": 1}""");

        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(broken, "gw1.json"));

        Assert.Equal(
            [
                "nat44.pool 192.0.2.1/30: host bits are set past /30; the prefix is 192.0.2.0/30",
                "ospf.metric -1: must be between 0 and 16777214 (24 bits)",
                "bgp.asn 65535: is reserved (23456 is AS_TRANS, 65535 is reserved) and cannot be used",
                "surprise: unknown key; known keys here are bgp, daemon, dns64, gateway, health, interfaces, nat44, nat64, nat66, ospf, site, speakers",
            ],
            exception.Errors.Select(error => error.ToString()));
        Assert.StartsWith("gw1.json: 4 error(s):", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotJson_ReportsLineAndColumn()
    {
        var exception = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("{\n  \"gateway\": \"gw1\",\n  oops\n}", "gw1.json"));

        var error = Assert.Single(exception.Errors);
        Assert.StartsWith("(file) line 3, column 3: is not valid JSON", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MinimalFile_AppliesDocumentedDefaults()
    {
        var config = ConfigLoader.Parse(
            """
            {
              "gateway": "gw9",
              "site": { "inside_ipv4": ["198.51.100.0/25"], "inside_ipv6": ["2001:db8:d78:500::/56"] },
              "interfaces": { "inside": "eth1", "uplink": "eth0" },
              "nat44": { "pool": "192.0.2.0/30" },
              "nat64": { "engine": "jool", "prefix": "2001:db8:d78:564::/96" },
              "bgp": { "asn": 64513, "neighbors": [{ "address": "203.0.113.1", "asn": 64500 }] }
            }
            """,
            "minimal.json");

        Assert.Null(config.Nat66);
        Assert.Null(config.Dns64);
        var nat64 = Assert.IsType<Nat64Config>(config.Nat64);
        Assert.Equal(config.Nat44!.Pool, nat64.Pool4);
        Assert.Equal("border", nat64.Jool!.Instance);
        Assert.Equal(1280, nat64.Jool.LowestIpv6Mtu);
        Assert.Equal(200, config.Routing.Ospf.Metric);
        Assert.Equal(OspfMetricType.E1, config.Routing.Ospf.MetricType);
        Assert.Equal(new BgpCommunities([BgpCommunities.NoExport]), config.Routing.Bgp.Communities);
        Assert.Equal(ProbeSchedule.Default, config.Health.Schedules["nat64"]);
        Assert.Equal("border-dns", config.Site.AnycastInterface);
        Assert.True(config.Daemon.WithdrawOnStop);
        Assert.Equal("border", config.Daemon.ControlGroup);
    }

    [Fact]
    public void Parse_ServiceDisabled_IgnoresItsRequirements()
    {
        var config = ConfigLoader.Parse(Patch(LabGateway, """{"nat64": {"enabled": false, "engine": null}, "dns64": {"enabled": false}}"""), "gw1.json");

        Assert.Null(config.Nat64);
        Assert.Null(config.Dns64);
    }

    /// <summary>Merges <paramref name="patch"/> into <paramref name="json"/>: objects merge, a null removes the key.</summary>
    private static string Patch(string json, string patch)
    {
        var target = JsonNode.Parse(json, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!.AsObject();
        Merge(target, JsonNode.Parse(patch)!.AsObject());
        return target.ToJsonString();
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch.ToList())
        {
            if (value is null)
            {
                target.Remove(key);
            }
            else if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value.DeepClone();
            }
        }
    }
}
