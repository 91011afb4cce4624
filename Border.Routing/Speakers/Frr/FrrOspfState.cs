using System.Net;
using System.Text.Json;
using Border.Routing.Attractions;

namespace Border.Routing.Speakers.Frr;

/// <summary>Reads what FRR's OSPF daemons originate from their JSON answers.</summary>
internal static class FrrOspfState
{
    // An LSA at MaxAge is being flushed from the area: withdrawn, though ospfd still lists it for a while.
    private const int MaxAge = 3600;

    /// <summary>ospfd's <c>show ip ospf database external self-originate json</c>.</summary>
    public static IEnumerable<Attraction> ParseOspfExternal(string json)
    {
        using var document = FrrJson.Parse(json);
        if (!document.RootElement.TryGetProperty("AS External Link States", out var states))
        {
            yield break;
        }

        foreach (var lsa in states.EnumerateObject())
        {
            var value = lsa.Value;
            if (value.GetProperty("lsaAge").GetInt32() >= MaxAge)
            {
                continue;
            }

            var prefix = new IPNetwork(IPAddress.Parse(value.GetProperty("linkStateId").GetString()!), value.GetProperty("networkMask").GetInt32());
            var type = value.GetProperty("metricType").GetString() == "E2" ? OspfMetricType.E2 : OspfMetricType.E1;
            yield return new Attraction(prefix, new OspfAttributes(value.GetProperty("metric").GetInt32(), type));
        }
    }

    /// <summary>ospf6d's <c>show ipv6 ospf6 database as-external self-originated detail json</c>.</summary>
    /// <remarks>The LSA's bits read <c>E--</c> for a type 2 metric; ospf6d writes the default's prefix as a
    /// bare <c>::</c>, the one prefix it prints without a length.</remarks>
    public static IEnumerable<Attraction> ParseOspf6External(string json)
    {
        using var document = FrrJson.Parse(json);
        if (!document.RootElement.TryGetProperty("asScopedLinkStateDb", out var databases))
        {
            yield break;
        }

        foreach (var lsa in databases.EnumerateArray().SelectMany(database => database.GetProperty("lsa").EnumerateArray()))
        {
            if (lsa.GetProperty("age").GetInt32() >= MaxAge)
            {
                continue;
            }

            var text = lsa.GetProperty("prefix").GetString()!;
            var prefix = text.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(text) : new IPNetwork(IPAddress.Parse(text), 0);
            var type = lsa.GetProperty("bits").GetString()!.StartsWith('E') ? OspfMetricType.E2 : OspfMetricType.E1;
            yield return new Attraction(prefix, new OspfAttributes(lsa.GetProperty("metric").GetInt32(), type));
        }
    }

    /// <summary>The protocol of the route zebra has selected for exactly <paramref name="prefix"/>, from
    /// <c>show ip route [PREFIX] json</c> or its IPv6 form, when it is one border can redistribute as the gateway's own
    /// (<c>kernel</c>, <c>connected</c>, <c>static</c>); null when zebra has no route for the prefix or only one
    /// learnt from a routing protocol, such as another gateway's announcement of the same prefix.</summary>
    public static string? RouteSource(string json, IPNetwork prefix)
    {
        using var document = FrrJson.Parse(json);
        foreach (var node in document.RootElement.EnumerateObject())
        {
            if (!IPNetwork.TryParse(node.Name, out var parsed) || parsed != prefix)
            {
                continue;
            }

            var protocol = node.Value.EnumerateArray()
                .Where(route => route.TryGetProperty("selected", out var selected) && selected.GetBoolean())
                .Select(route => route.GetProperty("protocol").GetString())
                .FirstOrDefault();
            return protocol is "kernel" or "connected" or "static" ? protocol : null;
        }

        return null;
    }
}
