using System.Net;

namespace Border.Nat.Tayga;

/// <summary>A Tayga NAT64 translator: a userspace process behind a tun device.</summary>
/// <remarks>Tayga maps each IPv6 client to one address of <see cref="DynamicPool"/>; border's nftables table then
/// translates that pool to the NAT64 IPv4 pool, which together make stateful NAT64.</remarks>
public sealed record TaygaOptions
{
    /// <summary>The tun device border creates for Tayga.</summary>
    /// <value>Defaults to <c>nat64</c>.</value>
    public string TunDevice { get; init; } = "nat64";

    /// <summary>The NAT64 prefix Tayga translates.</summary>
    public required IPNetwork Prefix { get; init; }

    /// <summary>Tayga's own IPv4 address, used for the ICMP errors it sends; inside <see cref="DynamicPool"/>.</summary>
    public required IPAddress Ipv4Address { get; init; }

    /// <summary>The addresses Tayga hands to IPv6 clients, one each, before source NAT to the pool.</summary>
    public required IPNetwork DynamicPool { get; init; }

    /// <summary>Where Tayga keeps its address mappings across restarts.</summary>
    /// <value>Defaults to <c>/var/lib/border/tayga</c>.</value>
    public string DataDirectory { get; init; } = "/var/lib/border/tayga";
}
