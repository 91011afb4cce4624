using Border.Routing.Attractions;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Speakers.Frr;

/// <summary>Carries OSPF attractions into the site through FRR's ospfd (IPv4) and ospf6d (IPv6).</summary>
/// <remarks>
/// Nothing is installed in the gateway's kernel: the defaults are originated with <c>default-information
/// originate always</c>, and every other attraction is redistributed from the route the gateway already has for
/// it (the connected anycast address, the kernel route to the NAT64 translator) through a route-map that lets
/// through only the prefixes in border's prefix-list and sets the metric and type. Announcing or withdrawing
/// therefore never changes how the gateway itself forwards. What is held is read back from the self-originated
/// AS-external LSAs in each daemon's database: exactly what the neighbours are given.
/// The route-map's metric and type are per family, so every non-default attraction of a family shares them.
/// FRR 8.4 re-evaluates a changed prefix-list after a fixed delay, so a non-default attraction reaches or leaves
/// the neighbours about 5 s after the change; the defaults take about 150 ms. Dropping the <c>redistribute</c>
/// lines takes every redistributed attraction out in about 200 ms, which is what a fail-closed stop can use.
/// </remarks>
internal sealed partial class FrrOspfSpeaker : IRouteSpeaker
{
    private const string Name4 = "BORDER-OSPF-V4";
    private const string Name6 = "BORDER-OSPF-V6";
    private static readonly string[] RedistributedSources = ["connected", "kernel", "static"];
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
        var held = new HashSet<Attraction>();
        var v4 = await transport.ShowJsonAsync("show ip ospf database external self-originate json", cancellationToken).ConfigureAwait(false);
        held.UnionWith(FrrOspfState.ParseOspfExternal(v4));
        var v6 = await transport.ShowJsonAsync("show ipv6 ospf6 database as-external self-originated detail json", cancellationToken).ConfigureAwait(false);
        held.UnionWith(FrrOspfState.ParseOspf6External(v6));
        return held;
    }

    public async Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        var attributes = (OspfAttributes)attraction.Attributes;
        var router = Router(attraction);
        var metric = $"metric {attributes.Metric} metric-type {(int)attributes.MetricType}";
        IReadOnlyList<string> lines = attraction.Prefix.PrefixLength == 0
            ? [router, $"default-information originate always {metric}"]
            :
            [
                $"{PrefixListCommand(attraction)} permit {attraction.Prefix}",
                $"route-map {RouteMap(attraction)} permit 10",
                $"match {(attraction.IsIpv6 ? "ipv6" : "ip")} address prefix-list {RouteMap(attraction)}",
                $"set metric {attributes.Metric}",
                $"set metric-type type-{(int)attributes.MetricType}",
                router,
                .. RedistributedSources.Select(source => $"redistribute {source} route-map {RouteMap(attraction)}"),
            ];
        await transport.ConfigureAsync(lines, cancellationToken).ConfigureAwait(false);
        LogApplied("announce", attraction.ToString());
    }

    public async Task WithdrawAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> lines = attraction.Prefix.PrefixLength == 0
            ? [Router(attraction), "no default-information originate"]
            : [$"no {PrefixListCommand(attraction)} permit {attraction.Prefix}"];
        await transport.ConfigureAsync(lines, cancellationToken).ConfigureAwait(false);
        LogApplied("withdraw", attraction.ToString());
    }

    private static string Router(Attraction attraction) => attraction.IsIpv6 ? "router ospf6" : "router ospf";

    private static string RouteMap(Attraction attraction) => attraction.IsIpv6 ? Name6 : Name4;

    private static string PrefixListCommand(Attraction attraction) =>
        $"{(attraction.IsIpv6 ? "ipv6" : "ip")} prefix-list {RouteMap(attraction)}";
}
