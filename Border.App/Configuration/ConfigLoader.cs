using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Border.Routing;

namespace Border.App.Configuration;

/// <summary>Reads a gateway's config file and validates all of it before anything may use it.</summary>
/// <remarks>
/// Reading and validation are one pass that never stops at the first problem: each field is read with its
/// own rules, then the rules that join fields (overlaps, a service's engine, the well-known prefix) run on
/// whatever parsed. Only a file with no error at all becomes a <see cref="GatewayConfig"/>.
/// The file is JSON; comments and trailing commas are allowed so operators can annotate it.
/// </remarks>
internal static partial class ConfigLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Loads and validates a config file.</summary>
    /// <exception cref="ConfigException">The file is invalid; every error is listed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static GatewayConfig Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Validates config text; <paramref name="source"/> names it in the exception.</summary>
    /// <exception cref="ConfigException">The text is invalid; every error is listed.</exception>
    public static GatewayConfig Parse(string json, string source)
    {
        var errors = new List<ConfigError>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = $"line {ex.LineNumber + 1}, column {ex.BytePositionInLine + 1}";
            throw new ConfigException(source, [new ConfigError("(file)", where, "is not valid JSON: " + FirstSentence(ex.Message))]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException(source, [new ConfigError("(file)", null, "must be a JSON object")]);
            }

            var config = Read(ConfigSection.Root(document.RootElement, errors), errors);
            if (errors.Count > 0 || config is null)
            {
                throw new ConfigException(source, errors);
            }

            return config;
        }
    }

    private static GatewayConfig? Read(ConfigSection root, List<ConfigError> errors)
    {
        var name = root.String("gateway");
        if (name is null)
        {
            root.Error("gateway", null, "is required: the gateway's name, as logs and status show it");
        }
        else if (!GatewayName().IsMatch(name))
        {
            root.Error("gateway", name, "must be 1-32 lower-case letters, digits or '-', starting with a letter or digit");
        }

        var site = ReadSite(root);
        var nat44 = ReadNat44(Service(root, "nat44", out var nat44Enabled), nat44Enabled, site);
        var nat66 = ReadNat66(Service(root, "nat66", out var nat66Enabled), nat66Enabled, site);
        var nat64 = ReadNat64(Service(root, "nat64", out var nat64Enabled), nat64Enabled, site, nat44Enabled, nat44);
        var dns64 = ReadDns64(Service(root, "dns64", out var dns64Enabled), dns64Enabled, site, nat64Enabled, nat64);
        var routing = ReadRouting(root, needsBgp: nat44Enabled || nat66Enabled || nat64Enabled);
        var health = ReadHealth(root.SectionOrEmpty("health"), nat64, errors);
        var daemon = ReadDaemon(root.SectionOrEmpty("daemon"));
        root.RejectUnknownKeys();

        if (errors.Count > 0 || name is null || site is null || routing is null || health is null || daemon is null)
        {
            return null;
        }

        return new GatewayConfig
        {
            Name = name,
            Site = site.ToConfig(),
            Nat44 = nat44,
            Nat66 = nat66,
            Nat64 = nat64,
            Dns64 = dns64,
            Routing = routing,
            Health = health,
            Daemon = daemon,
        };
    }

    /// <summary>What the site section yielded; fields that did not parse are null and already reported.</summary>
    private sealed record SiteDraft(
        ValueList<IPNetwork> InsideIpv4,
        ValueList<IPNetwork> InsideIpv6,
        string? InsideInterface,
        string? UplinkInterface,
        string AnycastInterface)
    {
        public SiteConfig ToConfig() => new(InsideIpv4, InsideIpv6, InsideInterface!, UplinkInterface!, AnycastInterface);
    }

    private static SiteDraft? ReadSite(ConfigSection root)
    {
        var site = root.SectionOrEmpty("site");
        var insideIpv4 = site.Prefixes("inside_ipv4", AddressFamily.InterNetwork) ?? [];
        var insideIpv6 = site.Prefixes("inside_ipv6", AddressFamily.InterNetworkV6) ?? [];
        site.RejectUnknownKeys();

        var interfaces = root.SectionOrEmpty("interfaces");
        var inside = InterfaceName(interfaces, "inside", required: true);
        var uplink = InterfaceName(interfaces, "uplink", required: true);
        var anycast = InterfaceName(interfaces, "anycast", required: false) ?? "border-dns";
        interfaces.RejectUnknownKeys();
        if (inside is not null && inside == uplink)
        {
            interfaces.Error("uplink", uplink, "must differ from interfaces.inside");
        }

        return new SiteDraft(insideIpv4, insideIpv6, inside, uplink, anycast);
    }

    /// <summary>A service's section; the service is enabled when the section is present, unless it says
    /// <c>"enabled": false</c>.</summary>
    private static ConfigSection Service(ConfigSection root, string key, out bool enabled)
    {
        var present = root.Has(key);
        var section = root.SectionOrEmpty(key);
        enabled = (section.Bool("enabled") ?? true) && present;
        return section;
    }

    private static string? InterfaceName(ConfigSection section, string key, bool required)
    {
        var name = section.String(key);
        if (name is null)
        {
            if (required)
            {
                section.Error(key, null, "is required: a network interface name");
            }

            return null;
        }

        if (!InterfaceNamePattern().IsMatch(name) || name is "." or "..")
        {
            section.Error(key, name, "must be a Linux interface name: 1-15 letters, digits, '-', '_' or '.'");
            return null;
        }

        return name;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex GatewayName();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,15}$")]
    private static partial Regex InterfaceNamePattern();
}
