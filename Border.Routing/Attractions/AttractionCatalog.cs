using System.Net;

namespace Border.Routing.Attractions;

/// <summary>One attraction and the services that need it.</summary>
/// <param name="HeldBy">The services any one of which, in service, keeps the attraction announced.</param>
public sealed record CatalogEntry(Attraction Attraction, IReadOnlySet<Service> HeldBy);

/// <summary>Every attraction the gateway may announce, with the services that hold each (DESIGN's table).</summary>
internal static class AttractionCatalog
{
    private static readonly IPNetwork Ipv4Default = IPNetwork.Parse("0.0.0.0/0");
    private static readonly IPNetwork Ipv6Default = IPNetwork.Parse("::/0");

    /// <summary>The entries in a stable order: OSPF before BGP, IPv4 before IPv6 within each.</summary>
    public static IReadOnlyList<CatalogEntry> Build(AttractionCatalogOptions options)
    {
        var holders = new Dictionary<Attraction, SortedSet<Service>>();
        void Add(IPNetwork? prefix, RouteAttributes attributes, Service service)
        {
            if (prefix is not { } known)
            {
                return;
            }

            var attraction = new Attraction(known, attributes);
            if (!holders.TryGetValue(attraction, out var set))
            {
                holders[attraction] = set = [];
            }

            set.Add(service);
        }

        if (options.Nat44Pool is not null)
        {
            Add(Ipv4Default, options.Ospf, Service.Nat44);
            Add(options.Nat44Pool, options.Bgp, Service.Nat44);
        }

        if (options.Nat66Pool is not null)
        {
            Add(Ipv6Default, options.Ospf, Service.Nat66);
            Add(options.Nat66Pool, options.Bgp, Service.Nat66);
        }

        Add(options.Nat64Prefix, options.Ospf, Service.Nat64);
        Add(options.Nat64Pool4, options.Bgp, Service.Nat64);
        foreach (var anycast in options.Dns64Anycast)
        {
            Add(anycast, options.Ospf, Service.Dns64);
        }

        return holders
            .Select(pair => new CatalogEntry(pair.Key, pair.Value))
            .OrderBy(entry => entry.Attraction.Protocol)
            .ThenBy(entry => entry.Attraction.IsIpv6)
            .ThenBy(entry => entry.Attraction.Prefix.PrefixLength)
            .ThenBy(entry => entry.Attraction.Prefix.ToString(), StringComparer.Ordinal)
            .ToList();
    }
}
