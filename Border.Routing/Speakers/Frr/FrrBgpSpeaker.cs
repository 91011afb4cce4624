using System.Net;
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
/// What is held is what bgpd originates and also what its adj-out still holds for each upstream: FRR 8.4 can keep a
/// pool in the adj-out of a session established seconds before, after its <c>network</c> is gone, so the upstream
/// keeps it. Such a pool reads as held, and withdrawing it adds and removes its <c>network</c> in one session, which
/// makes bgpd process the prefix again and send the withdrawal it owes (a soft clear would not: it re-sends only
/// prefixes that still have a path).
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
        var routeMap = transport.ShowJsonAsync($"show route-map {RouteMap} json", cancellationToken);
        var v4 = await HeldPrefixesAsync("ipv4", cancellationToken).ConfigureAwait(false);
        var v6 = await HeldPrefixesAsync("ipv6", cancellationToken).ConfigureAwait(false);
        var communities = FrrBgpState.ParseOutboundCommunities(await routeMap.ConfigureAwait(false), RouteMap);
        return v4.Originated.Union(v4.Advertised).Union(v6.Originated).Union(v6.Advertised)
            .Select(prefix => new Attraction(prefix, new BgpAttributes(communities)))
            .ToHashSet();
    }

    /// <summary>The prefixes of one address family that bgpd originates, and those its adj-out holds for any upstream.</summary>
    private async Task<(IReadOnlySet<IPNetwork> Originated, IReadOnlySet<IPNetwork> Advertised)> HeldPrefixesAsync(
        string afi, CancellationToken cancellationToken)
    {
        var answers = await transport.ShowJsonEachAsync(
            [
                $"show bgp {afi} unicast json",
                .. options.Neighbors.Select(neighbor => $"show bgp {afi} unicast neighbors {neighbor.Address} advertised-routes json"),
            ],
            cancellationToken).ConfigureAwait(false);
        return (FrrBgpState.ParseLocalPrefixes(answers[0]).ToHashSet(), answers.Skip(1).SelectMany(FrrBgpState.ParseAdvertisedLocal).ToHashSet());
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
        var afi = attraction.IsIpv6 ? "ipv6" : "ipv4";
        var (originated, advertised) = await HeldPrefixesAsync(afi, cancellationToken).ConfigureAwait(false);
        var network = $"network {attraction.Prefix}";
        if (originated.Contains(attraction.Prefix) || !advertised.Contains(attraction.Prefix))
        {
            await transport.ConfigureAsync([Router, AddressFamily(attraction), $"no {network}"], cancellationToken).ConfigureAwait(false);
            LogApplied("withdraw", attraction.ToString());
            return;
        }

        await transport.ConfigureAsync([Router, AddressFamily(attraction), network, $"no {network}"], cancellationToken).ConfigureAwait(false);
        LogStaleAdvertisement(attraction.ToString());
    }

    private string Router => $"router bgp {options.LocalAsn}";

    private static string AddressFamily(Attraction attraction) => $"address-family {(attraction.IsIpv6 ? "ipv6" : "ipv4")} unicast";
}
