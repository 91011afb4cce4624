using System.Net;

namespace Border.Routing.Attractions;

/// <summary>The prefixes each enabled service attracts and the attributes they go out with.</summary>
/// <remarks>A service that is not enabled leaves its fields <see langword="null"/>.</remarks>
public sealed record AttractionCatalogOptions
{
    /// <summary>NAT44's IPv4 pool.</summary>
    public IPNetwork? Nat44Pool { get; init; }

    /// <summary>NAT66's IPv6 pool.</summary>
    public IPNetwork? Nat66Pool { get; init; }

    /// <summary>The NAT64 prefix.</summary>
    public IPNetwork? Nat64Prefix { get; init; }

    /// <summary>The IPv4 pool NAT64 translates to.</summary>
    public IPNetwork? Nat64Pool4 { get; init; }

    /// <summary>The DNS64 resolver's anycast addresses, as /32 and /128.</summary>
    public ValueList<IPNetwork> Dns64Anycast { get; init; } = [];

    /// <summary>How internal attractions go into the site.</summary>
    public required OspfAttributes Ospf { get; init; }

    /// <summary>How pool attractions go upstream.</summary>
    public required BgpAttributes Bgp { get; init; }
}
