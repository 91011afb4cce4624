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
/// <para>That read also takes zebra's routes, in the same vtysh session. A withdrawal needs both (which source the
/// prefix comes from, and whether another held attraction shares it); one that follows the read within
/// <see cref="ReadFreshFor"/>, as a reconcile pass's withdrawals do, uses them instead of reading again, so it is one
/// vtysh session, not two. An announcement may add a route and ends that; a withdrawal takes its own prefix out.</para>
/// </remarks>
internal sealed partial class FrrOspfSpeaker : IRouteSpeaker
{
    private const string Name4 = "BORDER-OSPF-V4";
    private const string Name6 = "BORDER-OSPF-V6";
    private const string Static = "static";
    private const string External4 = "show ip ospf database external self-originate json";
    private const string External6 = "show ipv6 ospf6 database as-external self-originated detail json";
    private const string Routes4 = "show ip route json";
    private const string Routes6 = "show ipv6 route json";

    /// <summary>How long a read serves the withdrawals after it: a reconcile pass withdraws within milliseconds of
    /// its read, and nothing else changes FRR's routing state in between.</summary>
    internal static readonly TimeSpan ReadFreshFor = TimeSpan.FromSeconds(1);

    private readonly IFrrTransport transport;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private FrrState? lastRead;

    public FrrOspfSpeaker(IFrrTransport transport, TimeProvider time, ILogger<FrrOspfSpeaker> logger)
    {
        this.transport = transport;
        this.time = time;
        this.logger = logger;
    }

    public string Name => "frr-ospf";

    public bool Carries(Attraction attraction) => attraction.Protocol == RoutingProtocol.Ospf;

    public async Task<IReadOnlySet<Attraction>> GetHeldAsync(CancellationToken cancellationToken) =>
        (await ReadAsync(cancellationToken).ConfigureAwait(false)).Held.ToHashSet();

    public async Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        lastRead = null;
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

        var state = lastRead is { } read && time.GetUtcNow() - read.At < ReadFreshFor ? read : await ReadAsync(cancellationToken).ConfigureAwait(false);
        var routes = attraction.IsIpv6 ? state.Routes6 : state.Routes4;
        var source = FrrOspfState.RouteSource(routes, attraction.Prefix);
        var sharing = state.Held
            .Where(other => other.IsIpv6 == attraction.IsIpv6 && other.Prefix.PrefixLength > 0 && other.Prefix != attraction.Prefix)
            .Where(other => source is not null && FrrOspfState.RouteSource(routes, other.Prefix) == source)
            .Select(other => other.Prefix)
            .ToList();

        // The redistribute line goes first: vtysh stops at a refused line, and it is what takes the LSA out at once.
        IReadOnlyList<string> lines = source is not null && sharing.Count == 0
            ? [Router(attraction), $"no redistribute {source} route-map {RouteMap(attraction)}", $"no {PrefixListEntry(attraction)}"]
            : [$"no {PrefixListEntry(attraction)}"];
        await transport.ConfigureAsync(lines, cancellationToken).ConfigureAwait(false);
        if (ReferenceEquals(lastRead, state))
        {
            lastRead = state with { Held = [.. state.Held.Where(other => other.Prefix != attraction.Prefix)] };
        }

        if (lines.Count == 1)
        {
            LogSlowWithdrawal(attraction.ToString(), source ?? "no route", string.Join(", ", sharing));
        }
        else
        {
            LogApplied($"withdraw (stopped redistributing {source})", attraction.ToString());
        }
    }

    /// <summary>Reads what the daemons hold and zebra's routes, in one vtysh session, and keeps it for the
    /// withdrawals that follow.</summary>
    private async Task<FrrState> ReadAsync(CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var answers = await transport.ShowJsonEachAsync([External4, External6, Routes4, Routes6], cancellationToken).ConfigureAwait(false);
        var state = new FrrState(at, [.. FrrOspfState.ParseOspfExternal(answers[0]), .. FrrOspfState.ParseOspf6External(answers[1])], answers[2], answers[3]);
        lastRead = state;
        return state;
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

    /// <summary>One read of FRR: when it began, the attractions held, and zebra's routes of each family (JSON).</summary>
    private sealed record FrrState(DateTimeOffset At, IReadOnlyList<Attraction> Held, string Routes4, string Routes6);
}
