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
        using var document = JsonDocument.Parse(Empty(json));
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

    /// <summary>ospf6d's <c>show ipv6 ospf6 redistribute json</c>: the AS-external routes it originates.</summary>
    public static IEnumerable<Attraction> ParseOspf6Redistribute(string json)
    {
        using var document = JsonDocument.Parse(Empty(json));
        if (!document.RootElement.TryGetProperty("routes", out var routes))
        {
            yield break;
        }

        foreach (var route in routes.EnumerateArray())
        {
            var prefix = IPNetwork.Parse(route.GetProperty("destination").GetString()!);
            var type = route.GetProperty("metricType").GetInt32() == 2 ? OspfMetricType.E2 : OspfMetricType.E1;
            yield return new Attraction(prefix, new OspfAttributes(route.GetProperty("routeCost").GetInt32(), type));
        }
    }

    // A daemon with nothing to report may answer with nothing at all.
    private static string Empty(string json) => string.IsNullOrWhiteSpace(json) ? "{}" : json;
}
