using System.Net;
using Border.Routing.Attractions;
using Border.Routing.Speakers;

namespace Border.Routing;

/// <summary>How attractions reach the neighbours, and where the speakers are.</summary>
public sealed record RoutingOptions
{
    /// <summary>OSPF into the site (always carried by FRR).</summary>
    public OspfOptions Ospf { get; init; } = new();

    /// <summary>eBGP upstream.</summary>
    public required BgpOptions Bgp { get; init; }

    /// <summary>Where FRR is reached.</summary>
    public FrrOptions Frr { get; init; } = new();

    /// <summary>Where GoBGP is reached.</summary>
    public GobgpOptions Gobgp { get; init; } = new();
}

/// <summary>The attributes internal attractions go into the site with.</summary>
public sealed record OspfOptions
{
    /// <summary>The external metric.</summary>
    /// <value>Defaults to 200.</value>
    public int Metric { get; init; } = 200;

    /// <summary>The external metric type.</summary>
    /// <value>Defaults to E1, so each client uses its closest gateway.</value>
    public OspfMetricType MetricType { get; init; } = OspfMetricType.E1;
}

/// <summary>The upstream eBGP sessions and what pool attractions carry.</summary>
public sealed record BgpOptions
{
    /// <summary>The daemon that carries BGP.</summary>
    /// <value>Defaults to GoBGP.</value>
    public SpeakerKind Speaker { get; init; } = SpeakerKind.Gobgp;

    /// <summary>The gateway's own AS number.</summary>
    public required uint LocalAsn { get; init; }

    /// <summary>The upstream routers; the uplink is healthy while a session to one of them is up.</summary>
    public required ValueList<BgpNeighbor> Neighbors { get; init; }

    /// <summary>Communities every pool attraction carries.</summary>
    /// <value>Defaults to no-export, so upstream keeps the pools to itself.</value>
    public BgpCommunities Communities { get; init; } = new([BgpCommunities.NoExport]);
}

/// <summary>An upstream BGP neighbour.</summary>
public sealed record BgpNeighbor(IPAddress Address, uint Asn);

/// <summary>How border talks to FRR.</summary>
public sealed record FrrOptions
{
    /// <summary>The vtysh binary.</summary>
    /// <value>Defaults to <c>/usr/bin/vtysh</c>.</value>
    public string Vtysh { get; init; } = "/usr/bin/vtysh";

    /// <summary>The directory of FRR's vty sockets, when FRR runs in its own pathspace.</summary>
    /// <value>Defaults to FRR's own default.</value>
    public string? VtySocketDirectory { get; init; }
}

/// <summary>How border talks to GoBGP.</summary>
public sealed record GobgpOptions
{
    /// <summary>gobgpd's gRPC API endpoint: <c>HOST:PORT</c>, or <c>unix:///PATH</c> for a Unix socket
    /// (gobgpd <c>--api-hosts unix:///PATH</c>), which keeps the API off the network entirely.</summary>
    /// <value>Defaults to <c>127.0.0.1:50051</c>, gobgpd's own default.</value>
    public string Endpoint { get; init; } = "127.0.0.1:50051";

    /// <summary>The deadline of each API call attempt.</summary>
    /// <value>Defaults to 2 seconds.</value>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How many times a call that found gobgpd unavailable is retried, with exponential backoff.</summary>
    /// <value>Defaults to 3.</value>
    public int RetryAttempts { get; init; } = 3;

    /// <summary>The first retry's delay; each further retry doubles it.</summary>
    /// <value>Defaults to 100 milliseconds.</value>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
}
