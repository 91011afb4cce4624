using System.Net;
using System.Net.Sockets;

namespace Border.Routing.Attractions;

/// <summary>A prefix announced so that traffic comes to this gateway, and how it goes out.</summary>
public sealed record Attraction(IPNetwork Prefix, RouteAttributes Attributes)
{
    /// <summary>The protocol that carries it.</summary>
    public RoutingProtocol Protocol => Attributes.Protocol;

    /// <summary>Whether the prefix is IPv6 (OSPFv3, BGP IPv6 unicast).</summary>
    public bool IsIpv6 => Prefix.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6;

    /// <summary>The protocol as operators name it per family: ospf, ospf6, bgp.</summary>
    public string ProtocolName => Protocol switch
    {
        RoutingProtocol.Ospf => IsIpv6 ? "ospf6" : "ospf",
        _ => "bgp",
    };

    /// <inheritdoc/>
    public override string ToString() => $"{ProtocolName} {Prefix} {Attributes}";
}

/// <summary>The protocols attractions travel by.</summary>
public enum RoutingProtocol
{
    /// <summary>OSPFv2 or OSPFv3, into the site.</summary>
    Ospf,

    /// <summary>eBGP, upstream.</summary>
    Bgp,
}
