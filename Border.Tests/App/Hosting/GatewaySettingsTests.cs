using System.Text.Json;
using System.Text.Json.Nodes;
using Border.App.Configuration;
using Border.App.Hosting;
using Border.Routing.Attractions;

namespace Border.Tests.App.Hosting;

/// <summary>What a reload finds changed, field by field: every list field of the config and of the options built
/// from it compares by its items, so a change inside a list rebuilds what is built from it, and the same config
/// read again changes nothing.</summary>
public sealed class GatewaySettingsTests
{
    private static readonly string[] Engines = ["nftables", "jool", "unbound"];

    private static readonly string[] Services = ["nat44", "nat66", "nat64", "dns64"];

    /// <summary>A reference site (nftables, Jool, the system's Unbound) with a zone and an explicit start command,
    /// so each list field has items to change.</summary>
    private const string Base = """
        {
          "dns64": {
            "zones": [{ "name": "example.", "kind": "forward", "servers": ["203.0.113.10"] }],
            "unbound": { "run": "service", "start_command": ["/usr/bin/systemctl", "start", "unbound"] }
          }
        }
        """;

    /// <summary>Each row changes one list field (or the scalar a list is built from) and names the engines rebuilt
    /// with the parts that changed, the services that rise again through their checks, and whether the uplink
    /// keeps its health.</summary>
    public static TheoryData<string, string, string[], string[], bool> ListFields => new()
    {
        {
            "dns64.unbound.start_command",
            """{ "dns64": { "unbound": { "start_command": ["/usr/bin/systemctl", "restart", "unbound"] } } }""",
            ["unbound: engine options"], ["dns64"], true
        },
        {
            "site.inside_ipv4 (forward and source NAT sources, the resolver's clients)",
            """{ "site": { "inside_ipv4": ["198.51.100.0/25"] } }""",
            ["nftables: ruleset", "unbound: resolver"], Services, true
        },
        {
            "site.inside_ipv6 (forward and source NAT sources, the resolver's clients)",
            """{ "site": { "inside_ipv6": ["2001:db8:d78:500::/57"] } }""",
            ["nftables: ruleset", "unbound: resolver"], Services, true
        },
        {
            "dns64.zones",
            """{ "dns64": { "zones": [{ "name": "example.", "kind": "forward", "servers": ["203.0.113.10"] }, { "name": "v4only.example.", "kind": "stub", "servers": ["203.0.113.11"] }] } }""",
            ["unbound: resolver"], ["dns64"], true
        },
        {
            "dns64.zones[].servers",
            """{ "dns64": { "zones": [{ "name": "example.", "kind": "forward", "servers": ["203.0.113.10", "203.0.113.11"] }] } }""",
            ["unbound: resolver"], ["dns64"], true
        },
        {
            "dns64.anycast_ipv4 (the resolver's listen addresses)",
            """{ "dns64": { "anycast_ipv4": "198.51.100.54/32" } }""",
            ["unbound: resolver"], ["dns64"], true
        },
        {
            "dns64.anycast_ipv6 (the resolver's listen addresses)",
            """{ "dns64": { "anycast_ipv6": "2001:db8:d78:500::1:1/128" } }""",
            ["unbound: resolver"], ["dns64"], true
        },
        {
            "nat44.pool (a source NAT of the ruleset, and Jool's pool4 it defaults)",
            """{ "nat44": { "pool": "192.0.2.4/30" } }""",
            ["nftables: ruleset", "jool: instance"], ["nat44", "nat64"], true
        },
        {
            "nat66.pool (a source NAT of the ruleset)",
            """{ "nat66": { "pool": "2001:db8:d78::3:1:0/125" } }""",
            ["nftables: ruleset"], ["nat66"], true
        },
        {
            "nat66 left out (a forward and a source NAT fewer, a service fewer for nftables)",
            """{ "nat66": null }""",
            ["nftables: ruleset, services"], ["nat66"], true
        },
        {
            "bgp.neighbors",
            """{ "bgp": { "neighbors": [{ "address": "203.0.113.1", "asn": 64500 }] } }""",
            [], [], false
        },
        {
            "bgp.neighbors[].asn",
            """{ "bgp": { "neighbors": [{ "address": "203.0.113.1", "asn": 64501 }, { "address": "2001:db8:d78:f00::1", "asn": 64500 }] } }""",
            [], [], false
        },
    };

    [Theory]
    [MemberData(nameof(ListFields))]
    public void ChangesFrom_OnlyOneListFieldChanged_RebuildsWhatIsBuiltFromItAndKeepsTheRest(string field, string patch, string[] rebuilt, string[] risingAgain, bool uplinkKept)
    {
        var running = Settings(Base);

        var changes = Settings(Base, patch).ChangesFrom(running);

        var expected = Engines.Select(engine => rebuilt.FirstOrDefault(change => change.StartsWith(engine + ":", StringComparison.Ordinal)) is { } change
            ? $"{engine} rebuilt and applied (changed: {change[(engine.Length + 2)..]})"
            : $"{engine} kept running (unchanged)").ToList();
        var actual = changes.Engines.Select(change => change.ToString()).ToList();
        Assert.True(expected.SequenceEqual(actual), $"{field}: expected {string.Join("; ", expected)}; got {string.Join("; ", actual)}");
        Assert.Equal(Services.Except(risingAgain), changes.ServicesKept.Order().Select(service => service.Name()));
        Assert.Equal(uplinkKept, changes.UplinkKept);
    }

    public static TheoryData<string> ExampleConfigs => [.. TestPaths.ExampleConfigs()];

    [Theory]
    [MemberData(nameof(ExampleConfigs))]
    public void ChangesFrom_TheSameConfigReadAgain_KeepsEveryEngineEveryServiceAndTheUplink(string path)
    {
        var text = File.ReadAllText(path);
        var running = GatewaySettings.Of(ConfigLoader.Parse(text, path));

        var changes = GatewaySettings.Of(ConfigLoader.Parse(text, path)).ChangesFrom(running);

        Assert.NotEmpty(changes.Engines);
        Assert.All(changes.Engines, change => Assert.Equal($"{change.Engine} kept running (unchanged)", change.ToString()));
        Assert.Equal(running.Services.Keys, changes.ServicesKept.Order());
        Assert.True(changes.UplinkKept);
    }

    private static GatewaySettings Settings(params string[] patches)
    {
        var path = Path.Combine(TestPaths.Examples, "sites", "border0-chbtl0.json");
        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = JsonCommentHandling.Skip })!;
        foreach (var patch in patches)
        {
            root = Merge(root, JsonNode.Parse(patch));
        }

        return GatewaySettings.Of(ConfigLoader.Parse(root!.ToJsonString(), path));
    }

    /// <summary>A JSON merge patch (RFC 7386): objects merge key by key, null removes, anything else replaces.</summary>
    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Merge(result[key], value);
            }
        }

        return result;
    }
}
