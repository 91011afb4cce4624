using Border.Routing.Attractions;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Speakers.Frr;

/// <summary>Carries the pool attractions upstream through FRR's bgpd, for gateways that run FRR without GoBGP.</summary>
/// <remarks>
/// A pool is a <c>network</c> statement (with <c>no bgp network import-check</c>, as the pool is not in the
/// gateway's table). Its communities cannot ride on the local route: bgpd keeps a route carrying no-export away
/// from eBGP peers. They are set on the way out instead, by the route-map <c>BORDER-BGP-OUT</c> on each upstream
/// neighbour, which passes only routes originated here (empty AS path) and sets the communities; everything
/// learnt from upstream stays at home. The communities are therefore shared by every pool, and the next hop is
/// always the gateway's own address on the session. Adding or removing a <c>network</c> takes effect at once;
/// the route-map is written the same way every time, so re-announcing never changes it.
/// </remarks>
internal sealed partial class FrrBgpSpeaker : IRouteSpeaker
{
    private const string RouteMap = "BORDER-BGP-OUT";
    private const string LocalOnly = "BORDER-LOCAL";
    private readonly IFrrTransport transport;
    private readonly BgpOptions options;
    private readonly ILogger logger;

    public FrrBgpSpeaker(IFrrTransport transport, BgpOptions options, ILogger<FrrBgpSpeaker> logger)
    {
        this.transport = transport;
        this.options = options;
        this.logger = logger;
    }

    public string Name => "frr-bgp";

    public bool Carries(Attraction attraction) => attraction.Protocol == RoutingProtocol.Bgp;

    public async Task<IReadOnlySet<Attraction>> GetHeldAsync(CancellationToken cancellationToken)
    {
        var routeMap = await transport.ShowJsonAsync($"show route-map {RouteMap} json", cancellationToken).ConfigureAwait(false);
        var communities = FrrBgpState.ParseOutboundCommunities(routeMap, RouteMap);
        var held = new HashSet<Attraction>();
        foreach (var afi in (string[])["ipv4", "ipv6"])
        {
            var table = await transport.ShowJsonAsync($"show bgp {afi} unicast json", cancellationToken).ConfigureAwait(false);
            held.UnionWith(FrrBgpState.ParseLocalPrefixes(table).Select(prefix => new Attraction(prefix, new BgpAttributes(communities))));
        }

        return held;
    }

    public async Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        var attributes = (BgpAttributes)attraction.Attributes;
        if (attributes.NextHop is not null || attributes.Communities.Values.Count == 0)
        {
            throw new SpeakerException(
                $"frr-bgp cannot announce {attraction}: it announces pools with its own next hop and at least one community");
        }

        IReadOnlyList<string> lines =
        [
            $"bgp as-path access-list {LocalOnly} permit ^$",
            $"route-map {RouteMap} permit 10",
            $"match as-path {LocalOnly}",
            $"set community {string.Join(' ', attributes.Communities.Values.Select(BgpCommunities.Format))}",
            Router,
            "no bgp network import-check",
            AddressFamily(attraction),
            $"network {attraction.Prefix}",
            .. options.Neighbors.Select(neighbor => $"neighbor {neighbor.Address} route-map {RouteMap} out"),
        ];
        await transport.ConfigureAsync(lines, cancellationToken).ConfigureAwait(false);
        LogApplied("announce", attraction.ToString());
    }

    public async Task WithdrawAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        await transport.ConfigureAsync([Router, AddressFamily(attraction), $"no network {attraction.Prefix}"], cancellationToken).ConfigureAwait(false);
        LogApplied("withdraw", attraction.ToString());
    }

    private string Router => $"router bgp {options.LocalAsn}";

    private static string AddressFamily(Attraction attraction) => $"address-family {(attraction.IsIpv6 ? "ipv6" : "ipv4")} unicast";
}
