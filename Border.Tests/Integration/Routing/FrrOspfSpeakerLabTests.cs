using System.Net;
using Border.Routing.Attractions;
using Border.Routing.Reconciliation;
using Border.Routing.Speakers.Frr;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Integration.Routing;

[Collection(RoutingLabCollection.Name)]
public sealed class FrrOspfSpeakerLabTests(RoutingLab lab)
{
    private const int LinkCost = 10;
    private static readonly TimeSpan Convergence = TimeSpan.FromSeconds(20);
    private static readonly OspfAttributes E1 = new(200, OspfMetricType.E1);

    private static readonly Attraction[] All =
    [
        new(IPNetwork.Parse("0.0.0.0/0"), E1),
        new(IPNetwork.Parse("::/0"), E1),
        new(IPNetwork.Parse("2001:db8:d78:564::/96"), E1),
        new(IPNetwork.Parse("198.51.100.53/32"), E1),
        new(IPNetwork.Parse("2001:db8:d78:500::1:0/128"), E1),
    ];

    [Fact]
    public async Task AnnounceWithdraw_EveryOspfAttraction_CoreSeesMetricAndTypeThenNot_GatewayForwardingUnchanged()
    {
        Require();
        var speaker = NewSpeaker();

        foreach (var attraction in All)
        {
            await speaker.AnnounceAsync(attraction, TestContext.Current.CancellationToken);
        }

        foreach (var attraction in All)
        {
            await WaitForCoreAsync(attraction.Prefix, $"E1 {200 + LinkCost}");
        }

        await AssertGatewayForwardingUnchangedAsync();
        await WaitForHeldAsync(speaker, All.ToHashSet());

        foreach (var attraction in All)
        {
            await speaker.WithdrawAsync(attraction, TestContext.Current.CancellationToken);
        }

        foreach (var attraction in All)
        {
            await WaitForCoreAsync(attraction.Prefix, null);
        }

        await AssertGatewayForwardingUnchangedAsync();
        await WaitForHeldAsync(speaker, new HashSet<Attraction>());
    }

    /// <summary>A Jool gateway's NAT64 prefix has no route (Jool translates before routing): the speaker gives it a
    /// blackhole route to redistribute, and the blackhole stays after the withdrawal, so forwarding never flips.</summary>
    [Fact]
    public async Task AnnounceWithdraw_PrefixWithoutRoute_CoreSeesItThenNot_GatewayKeepsBlackhole()
    {
        Require();
        var speaker = NewSpeaker();
        var jool = new Attraction(IPNetwork.Parse("2001:db8:d78:565::/96"), E1);

        await speaker.AnnounceAsync(jool, TestContext.Current.CancellationToken);
        await WaitForCoreAsync(jool.Prefix, $"E1 {200 + LinkCost}");
        var announced = await GatewayRouteAsync(jool.Prefix);
        await speaker.WithdrawAsync(jool, TestContext.Current.CancellationToken);
        await WaitForCoreAsync(jool.Prefix, null);
        var withdrawn = await GatewayRouteAsync(jool.Prefix);

        Assert.StartsWith("blackhole 2001:db8:d78:565::/96", announced, StringComparison.Ordinal);
        Assert.Equal(announced, withdrawn);
    }

    /// <summary>Two attractions redistributed from the same source (here two route-less prefixes, both static): the
    /// withdrawn one leaves the core (through the prefix-list, after FRR's delay) and the other stays throughout.</summary>
    [Fact]
    public async Task Withdraw_OneOfTwoFromTheSameSource_LeavesTheCoreAndTheOtherStays()
    {
        Require();
        var speaker = NewSpeaker();
        var kept = new Attraction(IPNetwork.Parse("2001:db8:d78:566::/96"), E1);
        var withdrawn = new Attraction(IPNetwork.Parse("2001:db8:d78:567::/96"), E1);
        await speaker.AnnounceAsync(kept, TestContext.Current.CancellationToken);
        await speaker.AnnounceAsync(withdrawn, TestContext.Current.CancellationToken);
        try
        {
            await WaitForCoreToHoldGatewayAsAsbrAsync();
            await WaitForCoreAsync(kept.Prefix, $"E1 {200 + LinkCost}");
            await WaitForCoreAsync(withdrawn.Prefix, $"E1 {200 + LinkCost}");

            await speaker.WithdrawAsync(withdrawn, TestContext.Current.CancellationToken);
            var keptSeen = true;
            await RoutingLab.WaitUntilAsync(
                async () =>
                {
                    keptSeen &= await CoreRouteAsync(kept.Prefix) is not null;
                    return await CoreRouteAsync(withdrawn.Prefix) is null;
                },
                Convergence,
                $"core's route for {withdrawn.Prefix} to be gone");

            Assert.True(keptSeen, $"{kept.Prefix} left the core while {withdrawn.Prefix} was withdrawn");
            await WaitForHeldAsync(speaker, new HashSet<Attraction> { kept });
            await speaker.WithdrawAsync(kept, TestContext.Current.CancellationToken);
            await WaitForCoreAsync(kept.Prefix, null);
        }
        finally
        {
            // Whatever failed, the tests after this one must find the gateway announcing nothing.
            await new AttractionReconciler([speaker], NullLogger<AttractionReconciler>.Instance).ReconcileAsync(new HashSet<Attraction>(), TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Reconcile_AfterOspfDaemonsRestart_RestoresEveryAttractionAndSecondPassChangesNothing()
    {
        Require();
        var speaker = NewSpeaker();
        var reconciler = new AttractionReconciler([speaker], NullLogger<AttractionReconciler>.Instance);
        var desired = All.ToHashSet();
        await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);
        await WaitForCoreAsync(All[2].Prefix, $"E1 {200 + LinkCost}");

        await lab.RestartGatewayFrrAsync(() => WaitForCoreAsync(All[2].Prefix, null), "ospfd", "ospf6d");
        var restored = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);
        foreach (var attraction in All)
        {
            await WaitForCoreAsync(attraction.Prefix, $"E1 {200 + LinkCost}");
        }

        await WaitForHeldAsync(speaker, desired);
        var again = await reconciler.ReconcileAsync(desired, TestContext.Current.CancellationToken);

        Assert.Equal(All.Length, Assert.Single(restored).Actions.Count(action => action.Reason == ReconcileReasons.Missing));
        Assert.Empty(Assert.Single(again).Actions);
        await reconciler.ReconcileAsync(new HashSet<Attraction>(), TestContext.Current.CancellationToken);
        foreach (var attraction in All)
        {
            await WaitForCoreAsync(attraction.Prefix, null);
        }
    }

    private static void Require()
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/lib/frr/ospfd", "frr");
        Requires.Tool("/usr/lib/frr/ospf6d", "frr");
        Requires.Tool("/usr/bin/vtysh", "frr");
        Requires.Tool("/usr/bin/gobgpd", "gobgpd");
    }

    private FrrOspfSpeaker NewSpeaker() => new(lab.GatewayFrr(), TimeProvider.System, NullLogger<FrrOspfSpeaker>.Instance);

    /// <summary>The gateway forwards as before: its default learnt over eBGP reaches the Internet side, the /96 still
    /// goes to the translator's device and the anycast address is still delivered locally.</summary>
    private async Task AssertGatewayForwardingUnchangedAsync()
    {
        await lab.AssertGatewayDefaultWorksAsync();
        var nat64 = await lab.Gateway.RunCheckedAsync("ip", "-6", "route", "get", "2001:db8:d78:564::c633:6401");
        Assert.Contains("dev lo", nat64.StandardOutput, StringComparison.Ordinal);
        var anycast = await lab.Gateway.RunCheckedAsync("ip", "route", "get", "198.51.100.53");
        Assert.StartsWith("local 198.51.100.53", anycast.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>Waits until the core holds the gateway's current router-LSA and, after its SPF run, lists the gateway
    /// as an AS boundary router.</summary>
    /// <remarks>The gateway's router-LSA changes its E bit when the gateway goes from announcing nothing (after the
    /// test before) to announcing something. Taking that in, the core's ospf6d has no border-router entry for the
    /// gateway for a moment and drops its externals (seen: the LSAs in the core's database, the route gone from its
    /// table and kernel), then adds them back: a blink of the kept prefix that is not the withdrawal under test.</remarks>
    private Task WaitForCoreToHoldGatewayAsAsbrAsync() =>
        RoutingLab.WaitUntilAsync(
            async () =>
            {
                var own = await GatewayRouterLsaSequenceAsync(lab.Gateway);
                var core = await GatewayRouterLsaSequenceAsync(lab.Core);
                // A border-routers row: router id, then its bits (E for an AS boundary router).
                var rows = (await lab.VtyshAsync(lab.Core, "show ipv6 ospf6 border-routers")).Split('\n')
                    .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
                return own is not null && own == core
                    && rows.Any(row => row.Length > 1 && row[0] == RoutingLab.GatewayRouterId && row[1].Contains('E', StringComparison.Ordinal));
            },
            Convergence,
            "the core to hold the gateway's current router-LSA and list it as an AS boundary router");

    private async Task<long?> GatewayRouterLsaSequenceAsync(NetworkNamespace ns)
    {
        var database = await lab.VtyshJsonAsync(ns, $"show ipv6 ospf6 database router adv-router {RoutingLab.GatewayRouterId} json");
        return database.TryGetProperty("areaScopedLinkStateDb", out var areas)
            ? areas.EnumerateArray().SelectMany(area => area.GetProperty("lsa").EnumerateArray()).Select(lsa => (long?)lsa.GetProperty("seqNum").GetInt64()).FirstOrDefault()
            : null;
    }

    private async Task<string> GatewayRouteAsync(IPNetwork prefix) =>
        (await lab.Gateway.RunCheckedAsync("ip", "-6", "route", "show", prefix.ToString())).StandardOutput.Trim();

    /// <summary>The core's OSPF route for the prefix as "E1 210", or null when it has none.</summary>
    private async Task<string?> CoreRouteAsync(IPNetwork prefix)
    {
        if (prefix.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            var routes = await lab.VtyshJsonAsync(lab.Core, "show ip ospf route json");
            return routes.TryGetProperty(prefix.ToString(), out var route)
                ? $"{route.GetProperty("routeType").GetString()!.Replace("N ", "", StringComparison.Ordinal)} {route.GetProperty("cost").GetInt32()}"
                : null;
        }

        var table = await lab.VtyshJsonAsync(lab.Core, "show ipv6 ospf6 route detail json");
        return table.TryGetProperty("routes", out var all) && all.TryGetProperty(prefix.ToString(), out var route6)
            ? $"E{route6.GetProperty("metricType").GetInt32()} {route6.GetProperty("metricCost").GetInt32()}"
            : null;
    }

    /// <summary>Waits until the speaker reads back exactly <paramref name="expected"/>. ospf6d re-originates
    /// unchanged LSAs for a moment after a prefix-list change (FRR 8.4), so its own database can lag the
    /// neighbour's table briefly; a read-back that never matches fails the test.</summary>
    private static Task WaitForHeldAsync(FrrOspfSpeaker speaker, IReadOnlySet<Attraction> expected) =>
        RoutingLab.WaitUntilAsync(
            async () => (await speaker.GetHeldAsync(TestContext.Current.CancellationToken)).SetEquals(expected),
            Convergence,
            $"frr-ospf to read back {string.Join(", ", expected)}");

    private Task WaitForCoreAsync(IPNetwork prefix, string? expected) =>
        RoutingLab.WaitUntilAsync(
            async () => await CoreRouteAsync(prefix) == expected,
            Convergence,
            $"core's route for {prefix} to be {expected ?? "gone"}");
}
