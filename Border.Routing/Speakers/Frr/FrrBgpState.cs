using System.Net;
using System.Text.Json;
using Border.Routing.Attractions;

namespace Border.Routing.Speakers.Frr;

/// <summary>Reads bgpd's JSON answers: the prefixes originated here, the communities set on the way out,
/// and the sessions.</summary>
internal static class FrrBgpState
{
    // bgpd names no peer for a route it originated itself.
    private const string LocalPeer = "(unspec)";
    private const string CommunityClause = "community ";

    /// <summary><c>show bgp ipv4|ipv6 unicast json</c>: the prefixes with a path originated by this router.</summary>
    public static IEnumerable<IPNetwork> ParseLocalPrefixes(string json)
    {
        using var document = FrrJson.Parse(json);
        if (!document.RootElement.TryGetProperty("routes", out var routes))
        {
            yield break;
        }

        foreach (var route in routes.EnumerateObject())
        {
            if (route.Value.EnumerateArray().Any(path => path.TryGetProperty("peerId", out var peer) && peer.GetString() == LocalPeer))
            {
                yield return IPNetwork.Parse(route.Name);
            }
        }
    }

    /// <summary><c>show bgp ipv4|ipv6 unicast neighbors ADDRESS advertised-routes json</c>: the prefixes originated
    /// here (empty AS path) that bgpd's adj-out holds for that neighbour, so what the neighbour was last sent.</summary>
    public static IEnumerable<IPNetwork> ParseAdvertisedLocal(string json)
    {
        using var document = FrrJson.Parse(json);
        if (!document.RootElement.TryGetProperty("advertisedRoutes", out var routes))
        {
            yield break;
        }

        foreach (var route in routes.EnumerateObject())
        {
            if (route.Value.TryGetProperty("path", out var path) && path.GetString() == "")
            {
                yield return IPNetwork.Parse(route.Name);
            }
        }
    }

    /// <summary><c>show route-map NAME json</c> (one object per daemon): the communities bgpd's copy sets.</summary>
    public static BgpCommunities ParseOutboundCommunities(string json, string routeMap)
    {
        var map = FrrJson.ParseEach(json)
            .Select(daemon => daemon.TryGetProperty("BGP", out var bgp) && bgp.TryGetProperty(routeMap, out var found) ? found : default)
            .FirstOrDefault(found => found.ValueKind == JsonValueKind.Object);
        if (map.ValueKind != JsonValueKind.Object)
        {
            return new BgpCommunities([]);
        }

        var clause = map.GetProperty("rules").EnumerateArray()
            .SelectMany(rule => rule.GetProperty("setClauses").EnumerateArray())
            .Select(set => set.GetString()!)
            .FirstOrDefault(set => set.StartsWith(CommunityClause, StringComparison.Ordinal));
        if (clause is null)
        {
            return new BgpCommunities([]);
        }

        var values = new List<uint>();
        foreach (var word in clause[CommunityClause.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (BgpCommunities.TryParse(word, out var community))
            {
                values.Add(community);
            }
        }

        return new BgpCommunities(values);
    }

    /// <summary><c>show bgp neighbors json</c>: each neighbour's session state by address.</summary>
    public static IReadOnlyDictionary<IPAddress, string> ParseSessions(string json)
    {
        using var document = FrrJson.Parse(json);
        var sessions = new Dictionary<IPAddress, string>();
        foreach (var neighbor in document.RootElement.EnumerateObject())
        {
            if (IPAddress.TryParse(neighbor.Name, out var address) && neighbor.Value.TryGetProperty("bgpState", out var state))
            {
                sessions[address] = state.GetString()!;
            }
        }

        return sessions;
    }

    /// <summary><c>show bgp ipv4|ipv6 unicast 0.0.0.0/0|::/0 json</c>: the peers a default was received from.</summary>
    public static IEnumerable<IPAddress> ParseDefaultFrom(string json)
    {
        using var document = FrrJson.Parse(json);
        if (!document.RootElement.TryGetProperty("paths", out var paths))
        {
            yield break;
        }

        foreach (var path in paths.EnumerateArray())
        {
            if (path.TryGetProperty("peer", out var peer)
                && peer.TryGetProperty("peerId", out var id)
                && IPAddress.TryParse(id.GetString(), out var address))
            {
                yield return address;
            }
        }
    }
}
