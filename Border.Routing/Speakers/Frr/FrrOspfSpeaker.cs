using Border.Routing.Attractions;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Speakers.Frr;

/// <summary>Carries OSPF attractions into the site through FRR's ospfd (IPv4) and ospf6d (IPv6).</summary>
/// <remarks>
/// <para>The defaults are originated with <c>default-information originate always</c>. Every other attraction is
/// redistributed from the route zebra has selected for its exact prefix (the connected anycast address, the kernel
/// route to the translator) through a route-map that lets through only the prefixes in border's prefix-list and
/// sets the metric and type. The prefix-list holds exactly the attractions border wants announced.</para>
/// <para>Speed comes from what FRR 8.4 does at once and what it delays. A changed prefix-list or route-map is
/// re-read only after a delay: ospfd waits its LSA minimum interval (<c>timers throttle lsa all</c>, 5 s by default)
/// and ospf6d a fixed 5 s (<c>OSPF_MIN_LS_INTERVAL</c> in <c>ospf6_asbr_routemap_update</c>). Turning a
/// <c>redistribute</c> line on or off acts at once: off flushes every LSA of that source, on makes zebra send the
/// source's routes, which the route-map judges against the prefix-list as it is now. So an attraction is announced
/// by adding its prefix-list entry and turning its source on in one session, and withdrawn by turning its source off,
/// both in tens of milliseconds. Only when another held attraction of the family comes from the same source does a
/// withdrawal (or an announcement while the source is on) go through the prefix-list alone, and take FRR's delay.</para>
/// <para>A prefix with no route of its own in zebra (Jool translates before routing, so its NAT64 prefix needs none)
/// gets a blackhole route through staticd and is redistributed as static. It stays after a withdrawal, so announcing
/// and withdrawing never change how the gateway forwards: packets Jool does not take are dropped either way instead of
/// following the default route out.</para>
/// <para>What is held is read back from the self-originated AS-external LSAs in each daemon's database: exactly what
/// the neighbours are given. The route-map's metric and type are per family, so every non-default attraction of a
/// family shares them.</para>
/// </remarks>
internal sealed partial class FrrOspfSpeaker : IRouteSpeaker
{
    private const string Name4 = "BORDER-OSPF-V4";
    private const string Name6 = "BORDER-OSPF-V6";
    private const string Static = "static";
    private const string External4 = "show ip ospf database external self-originate json";
    private const string External6 = "show ipv6 ospf6 database as-external self-originated detail json";
    private readonly IFrrTransport transport;
    private readonly ILogger logger;

    public FrrOspfSpeaker(IFrrTransport transport, ILogger<FrrOspfSpeaker> logger)
    {
        this.transport = transport;
        this.logger = logger;
    }

    public string Name => "frr-ospf";

    public bool Carries(Attraction attraction) => attraction.Protocol == RoutingProtocol.Ospf;

    public async Task<IReadOnlySet<Attraction>> GetHeldAsync(CancellationToken cancellationToken)
    {
        var answers = await transport.ShowJsonEachAsync([External4, External6], cancellationToken).ConfigureAwait(false);
        return FrrOspfState.ParseOspfExternal(answers[0]).Concat(FrrOspfState.ParseOspf6External(answers[1])).ToHashSet();
    }

    public async Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        var attributes = (OspfAttributes)attraction.Attributes;
        var metric = $"metric {attributes.Metric} metric-type {(int)attributes.MetricType}";
        if (attraction.Prefix.PrefixLength == 0)
        {
            await transport.ConfigureAsync([Router(attraction), $"default-information originate always {metric}"], cancellationToken).ConfigureAwait(false);
            LogApplied("announce", attraction.ToString());
            return;
        }

        var routes = await transport.ShowJsonAsync($"show {Zebra(attraction)} route {attraction.Prefix} json", cancellationToken).ConfigureAwait(false);
        var source = FrrOspfState.RouteSource(routes, attraction.Prefix);
        var blackhole = $"{Zebra(attraction)} route {attraction.Prefix} blackhole";
        List<string> lines = [.. RouteMapLines(attraction, attributes), PrefixListEntry(attraction)];
        if (source is null)
        {
            lines.Add(blackhole);
            source = Static;
        }

        lines.AddRange([Router(attraction), $"redistribute {source} route-map {RouteMap(attraction)}"]);
        try
        {
            await transport.ConfigureAsync(lines, cancellationToken).ConfigureAwait(false);
        }
        catch (SpeakerException ex) when (lines.Contains(blackhole))
        {
            throw new SpeakerException(
                $"{attraction.Prefix} has no route of its own in zebra, so border gives it a blackhole route through FRR's staticd to redistribute (is staticd running?): {ex.Message}",
                ex);
        }

        LogApplied($"announce (redistributed from {source})", attraction.ToString());
    }

    public async Task WithdrawAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        if (attraction.Prefix.PrefixLength == 0)
        {
            await transport.ConfigureAsync([Router(attraction), "no default-information originate"], cancellationToken).ConfigureAwait(false);
            LogApplied("withdraw", attraction.ToString());
            return;
        }

        var answers = await transport.ShowJsonEachAsync(
            [$"show {Zebra(attraction)} route json", attraction.IsIpv6 ? External6 : External4], cancellationToken).ConfigureAwait(false);
        var routes = answers[0];
        var held = attraction.IsIpv6 ? FrrOspfState.ParseOspf6External(answers[1]) : FrrOspfState.ParseOspfExternal(answers[1]);
        var source = FrrOspfState.RouteSource(routes, attraction.Prefix);
        var sharing = held
            .Where(other => other.Prefix.PrefixLength > 0 && other.Prefix != attraction.Prefix)
            .Where(other => source is not null && FrrOspfState.RouteSource(routes, other.Prefix) == source)
            .Select(other => other.Prefix)
            .ToList();

        // The redistribute line goes first: vtysh stops at a refused line, and it is what takes the LSA out at once.
        IReadOnlyList<string> lines = source is not null && sharing.Count == 0
            ? [Router(attraction), $"no redistribute {source} route-map {RouteMap(attraction)}", $"no {PrefixListEntry(attraction)}"]
            : [$"no {PrefixListEntry(attraction)}"];
        await transport.ConfigureAsync(lines, cancellationToken).ConfigureAwait(false);
        if (lines.Count == 1)
        {
            LogSlowWithdrawal(attraction.ToString(), source ?? "no route", string.Join(", ", sharing));
        }
        else
        {
            LogApplied($"withdraw (stopped redistributing {source})", attraction.ToString());
        }
    }

    /// <summary>The route-map, written every time: FRR ignores a line it already has, so an unchanged route-map costs
    /// nothing, and a changed metric or type reaches every attraction of the family after FRR's delay.</summary>
    private static IEnumerable<string> RouteMapLines(Attraction attraction, OspfAttributes attributes) =>
    [
        $"route-map {RouteMap(attraction)} permit 10",
        $"match {Zebra(attraction)} address prefix-list {RouteMap(attraction)}",
        $"set metric {attributes.Metric}",
        $"set metric-type type-{(int)attributes.MetricType}",
        "exit",
    ];

    private static string Router(Attraction attraction) => attraction.IsIpv6 ? "router ospf6" : "router ospf";

    private static string Zebra(Attraction attraction) => attraction.IsIpv6 ? "ipv6" : "ip";

    private static string RouteMap(Attraction attraction) => attraction.IsIpv6 ? Name6 : Name4;

    private static string PrefixListEntry(Attraction attraction) =>
        $"{Zebra(attraction)} prefix-list {RouteMap(attraction)} permit {attraction.Prefix}";
}
