using Border.Routing.Processes;

namespace Border.Tests.Integration.Supervisor;

/// <summary>The gateways' anycast resolver is no open resolver: the site's clients are answered, clients outside the
/// site are refused by the resolver itself (Unbound's access-control, from the config's site prefixes), over IPv4 and
/// IPv6, UDP and TCP.</summary>
/// <remarks>The anycast addresses are announced into the site only, so from outside they are not even routed. To show
/// that the resolver refuses, not only the routing, the outside test routes them at upstream to one gateway at a time
/// for the length of its queries. inet is IPv4-only, so upstream itself is the IPv6 client from outside.</remarks>
public sealed class ResolverAccessLabTests(SupervisorLab lab, ITestOutputHelper output) : IClassFixture<SupervisorLab>
{
    private const string ResolverIpv4 = "198.51.100.53";
    private const string ResolverIpv6 = "2001:db8:d78:500::1:0";
    private const string Synthesized = "2001:db8:d78:564::cb00:710a";

    /// <summary>Each gateway's address on its link to upstream, IPv4 and IPv6, and upstream's own IPv6 address there.</summary>
    private static readonly (string Gateway, string Ipv4, string Ipv6, string UpstreamIpv6)[] Uplinks =
    [
        ("gw1", "203.0.113.2", "2001:db8:d78:f01::2", "2001:db8:d78:f01::1"),
        ("gw2", "203.0.113.6", "2001:db8:d78:f02::2", "2001:db8:d78:f02::1"),
    ];

    [Fact]
    public async Task AnycastResolver_QueriedFromInsideTheSite_AnswersWithTheSynthesizedAaaa_OverIpv6AndIpv4()
    {
        await lab.RequireBothAnnouncingAsync();

        // c6 is IPv6-only; core's own addresses (198.51.100.97, .101) are the site's IPv4 clients.
        foreach (var (node, server, transport) in new[] { ("c6", ResolverIpv6, "+notcp"), ("c6", ResolverIpv6, "+tcp"), ("core", ResolverIpv4, "+notcp"), ("core", ResolverIpv4, "+tcp") })
        {
            var answer = await QueryAsync(node, server, transport);
            output.WriteLine($"{node} -> {server} {transport}: {answer}");
            Assert.True(answer.Status == "NOERROR", $"{node}'s query to {server} ({transport}) was not answered: {answer}\n{answer.Output}");
            Assert.Equal([Synthesized], answer.Addresses);
        }

        Assert.Equal([Synthesized], await lab.C6ResolveAaaaAsync());
    }

    [Fact]
    public async Task AnycastResolver_QueriedFromOutsideTheSite_IsNotRoutedThere_AndEachGatewaysResolverRefusesIt()
    {
        await lab.RequireBothAnnouncingAsync();

        foreach (var resolver in new[] { ResolverIpv4, ResolverIpv6 })
        {
            var route = await lab.InNamespaceAsync("upstream", "ip", "route", "get", resolver);
            Assert.False(route.Succeeded, $"upstream routes the anycast resolver {resolver}, which the gateways announce into the site only: {route.StandardOutput}");
        }

        var unrouted = await QueryAsync("inet", ResolverIpv4, "+notcp");
        output.WriteLine($"inet -> {ResolverIpv4}, not routed: {unrouted}");
        Assert.True(unrouted.Status is null, $"inet's query to {ResolverIpv4} was answered with nothing routing it: {unrouted}\n{unrouted.Output}");

        foreach (var (gateway, ipv4, ipv6, upstreamIpv6) in Uplinks)
        {
            await RoutedToAsync(gateway, ipv4, ipv6, async () =>
            {
                // The packets reach the gateway and its answers come back: what follows is the resolver's own answer.
                var ping = await lab.InNamespaceAsync("inet", "ping", "-c", "1", "-W", "2", ResolverIpv4);
                Assert.True(ping.Succeeded, $"inet cannot reach {gateway}'s {ResolverIpv4} through the route the test added: {ping.StandardOutput}{ping.StandardError}");

                foreach (var (node, server, transport, source) in new[]
                {
                    ("inet", ResolverIpv4, "+notcp", "203.0.113.10"),
                    ("inet", ResolverIpv4, "+tcp", "203.0.113.10"),
                    ("upstream", ResolverIpv6, "+notcp", upstreamIpv6),
                    ("upstream", ResolverIpv6, "+tcp", upstreamIpv6),
                })
                {
                    var answer = await QueryAsync(node, server, transport, "-b", source);
                    output.WriteLine($"{node} ({source}) -> {gateway}'s {server} {transport}: {answer}");
                    Assert.True(answer.Status == "REFUSED", $"{gateway}'s resolver did not refuse {source} outside the site ({transport}): {answer}\n{answer.Output}");
                    Assert.Empty(answer.Addresses);
                }
            });
        }
    }

    /// <summary>Routes both anycast addresses at upstream to one gateway while <paramref name="queries"/> run, and
    /// removes the routes again whatever the queries showed.</summary>
    private async Task RoutedToAsync(string gateway, string ipv4, string ipv6, Func<Task> queries)
    {
        string[][] routes = [["-4", $"{ResolverIpv4}/32", "via", ipv4], ["-6", $"{ResolverIpv6}/128", "via", ipv6]];
        try
        {
            foreach (var route in routes)
            {
                var added = await lab.InNamespaceAsync("upstream", "ip", [route[0], "route", "add", .. route[1..]]);
                Assert.True(added.Succeeded, $"upstream: ip route add {string.Join(' ', route)} towards {gateway}: {added.StandardError}");
            }

            await queries();
        }
        finally
        {
            foreach (var route in routes)
            {
                await lab.InNamespaceAsync("upstream", "ip", [route[0], "route", "del", .. route[1..]]);
            }
        }
    }

    /// <summary>Asks <paramref name="server"/> from <paramref name="node"/> for the IPv4-only server's AAAA, with
    /// recursion desired as any stub resolver asks.</summary>
    private async Task<DnsAnswer> QueryAsync(string node, string server, string transport, params string[] more)
    {
        var dig = await lab.InNamespaceAsync(node, "dig", [$"@{server}", transport, "+time=2", "+tries=1", .. more, "AAAA", SupervisorLab.ServerName]);
        return DnsAnswer.From(dig);
    }

    /// <summary>What dig showed: the answer's status (<see langword="null"/> when nothing answered) and its AAAA addresses.</summary>
    private sealed record DnsAnswer(string? Status, IReadOnlyList<string> Addresses, string Output)
    {
        public static DnsAnswer From(CommandResult dig)
        {
            var lines = dig.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var status = lines
                .Where(line => line.StartsWith(";; ->>HEADER<<-", StringComparison.Ordinal))
                .Select(line => line.Split("status: ")[1].Split(',')[0])
                .FirstOrDefault();
            var addresses = lines
                .Where(line => !line.StartsWith(';'))
                .Select(line => line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields is [_, _, "IN", "AAAA", _])
                .Select(fields => fields[4])
                .ToList();
            return new DnsAnswer(status, addresses, (dig.StandardOutput + dig.StandardError).Trim());
        }

        public override string ToString() => $"status {Status ?? "none (no answer)"}, AAAA [{string.Join(", ", Addresses)}]";
    }
}
