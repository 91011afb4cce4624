using System.Net;

namespace Border.Routing.Attractions;

/// <summary>What a route carries besides its prefix.</summary>
public abstract record RouteAttributes
{
    /// <summary>The protocol these attributes belong to.</summary>
    public abstract RoutingProtocol Protocol { get; }
}

/// <summary>OSPF external metric type: E1 adds the internal cost to reach the gateway, E2 does not.</summary>
public enum OspfMetricType
{
    /// <summary>Type 1: external metric plus the internal path cost, so the closest gateway wins.</summary>
    E1 = 1,

    /// <summary>Type 2: the external metric alone.</summary>
    E2 = 2,
}

/// <summary>An OSPF external route's metric and type.</summary>
public sealed record OspfAttributes(int Metric, OspfMetricType MetricType) : RouteAttributes
{
    /// <inheritdoc/>
    public override RoutingProtocol Protocol => RoutingProtocol.Ospf;

    /// <inheritdoc/>
    public override string ToString() => $"{MetricType} metric {Metric}";
}

/// <summary>A BGP route's communities and next hop.</summary>
/// <param name="NextHop">The next hop to announce; <see langword="null"/> lets the speaker use its own address
/// on the session, which is what eBGP to an upstream wants.</param>
public sealed record BgpAttributes(BgpCommunities Communities, IPAddress? NextHop = null) : RouteAttributes
{
    /// <inheritdoc/>
    public override RoutingProtocol Protocol => RoutingProtocol.Bgp;

    /// <inheritdoc/>
    public override string ToString() =>
        NextHop is null ? $"communities {Communities}" : $"communities {Communities} next-hop {NextHop}";
}
