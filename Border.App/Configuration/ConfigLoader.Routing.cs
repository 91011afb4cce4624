using System.Net;
using Border.Routing;
using Border.Routing.Attractions;
using Border.Routing.Speakers;

namespace Border.App.Configuration;

internal static partial class ConfigLoader
{
    private static readonly Dictionary<string, OspfMetricType> MetricTypes = new(StringComparer.Ordinal)
    {
        ["E1"] = OspfMetricType.E1,
        ["E2"] = OspfMetricType.E2,
    };

    private static readonly Dictionary<string, SpeakerKind> BgpSpeakers = new(StringComparer.Ordinal)
    {
        ["gobgp"] = SpeakerKind.Gobgp,
        ["frr"] = SpeakerKind.Frr,
    };

    private static RoutingOptions? ReadRouting(ConfigSection root, bool needsBgp)
    {
        var ospfSection = root.SectionOrEmpty("ospf");
        var defaults = new OspfOptions();
        var ospf = new OspfOptions
        {
            Metric = (int?)ospfSection.Integer("metric", 0, 16_777_214, "must be between 0 and 16777214 (24 bits)") ?? defaults.Metric,
            MetricType = ospfSection.Choice("metric_type", MetricTypes) ?? defaults.MetricType,
        };
        ospfSection.RejectUnknownKeys();

        var bgp = ReadBgp(root.SectionOrEmpty("bgp"), needsBgp && !root.Has("bgp"));
        var speakers = root.SectionOrEmpty("speakers");
        var frr = ReadFrr(speakers.SectionOrEmpty("frr"));
        var gobgp = ReadGobgp(speakers.SectionOrEmpty("gobgp"));
        speakers.RejectUnknownKeys();
        return bgp is null ? null : new RoutingOptions { Ospf = ospf, Bgp = bgp, Frr = frr, Gobgp = gobgp };
    }

    private static BgpOptions? ReadBgp(ConfigSection section, bool missing)
    {
        if (missing)
        {
            section.Error("asn", null, "is required: a service with pools is enabled, and pools are announced upstream over eBGP");
        }

        var speaker = section.Choice("speaker", BgpSpeakers);
        var asn = Asn(section, "asn");
        var neighbors = section.Sections("neighbors").Select(neighbor => ReadNeighbor(neighbor, asn)).ToList();
        var communities = Communities(section);
        section.RejectUnknownKeys();
        if (missing)
        {
            return null;
        }

        if (asn is null && !section.Has("asn"))
        {
            section.Error("asn", null, "is required: the gateway's own AS number");
        }

        if (neighbors.Count == 0 && !section.Has("neighbors"))
        {
            section.Error("neighbors", null, "needs at least one upstream neighbour: {\"address\": ..., \"asn\": ...}");
        }

        if (asn is not { } localAsn || neighbors.Count == 0 || neighbors.Any(neighbor => neighbor is null) || communities is null)
        {
            return null;
        }

        var defaults = new BgpOptions { LocalAsn = localAsn, Neighbors = [.. neighbors.OfType<BgpNeighbor>()] };
        return defaults with
        {
            Speaker = speaker ?? defaults.Speaker,
            Communities = communities.Count == 0 && !section.Has("communities") ? defaults.Communities : new BgpCommunities(communities),
        };
    }

    private static BgpNeighbor? ReadNeighbor(ConfigSection section, uint? localAsn)
    {
        var address = section.Address("address", family: null);
        var asn = Asn(section, "asn");
        section.RejectUnknownKeys();
        if (address is null && !section.Has("address"))
        {
            section.Error("address", null, "is required: the neighbour's address");
        }

        if (asn is null && !section.Has("asn"))
        {
            section.Error("asn", null, "is required: the neighbour's AS number");
        }

        if (asn is not null && asn == localAsn)
        {
            section.Error("asn", asn.ToString(), "must differ from bgp.asn: upstream sessions are eBGP");
            return null;
        }

        return address is null || asn is null ? null : new BgpNeighbor(address, asn.Value);
    }

    /// <summary>An AS number: 1-4294967294, but not AS_TRANS (23456) or the reserved 65535.</summary>
    private static uint? Asn(ConfigSection section, string key)
    {
        var asn = section.Integer(key, 1, 4_294_967_294, "must be an AS number between 1 and 4294967294");
        if (asn is 23456 or 65535)
        {
            section.Error(key, asn.ToString(), "is reserved (23456 is AS_TRANS, 65535 is reserved) and cannot be used");
            return null;
        }

        return (uint?)asn;
    }

    private static List<uint>? Communities(ConfigSection section)
    {
        var texts = section.Strings("communities") ?? [];
        var communities = new List<uint>();
        var valid = true;
        for (var index = 0; index < texts.Count; index++)
        {
            if (BgpCommunities.TryParse(texts[index], out var community))
            {
                communities.Add(community);
            }
            else
            {
                section.Error($"communities[{index}]", texts[index], "must be no-export, no-advertise or ASN:VALUE with both parts 0-65535");
                valid = false;
            }
        }

        return valid ? communities : null;
    }

    private static FrrOptions ReadFrr(ConfigSection section)
    {
        var defaults = new FrrOptions();
        var options = defaults with
        {
            Vtysh = AbsolutePath(section, "vtysh") ?? defaults.Vtysh,
            VtySocketDirectory = AbsolutePath(section, "vty_socket") ?? defaults.VtySocketDirectory,
        };
        section.RejectUnknownKeys();
        return options;
    }

    private static GobgpOptions ReadGobgp(ConfigSection section)
    {
        var endpoint = Endpoint(section, "endpoint");
        section.RejectUnknownKeys();
        return endpoint is null ? new GobgpOptions() : new GobgpOptions { Endpoint = endpoint };
    }

    /// <summary>An <c>ADDRESS:PORT</c> endpoint (IPv6 in brackets).</summary>
    private static string? Endpoint(ConfigSection section, string key)
    {
        var text = section.String(key);
        if (text is null)
        {
            return null;
        }

        if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0)
        {
            section.Error(key, text, "must be ADDRESS:PORT, for example 127.0.0.1:50051 or [::1]:50051");
            return null;
        }

        return text;
    }
}
