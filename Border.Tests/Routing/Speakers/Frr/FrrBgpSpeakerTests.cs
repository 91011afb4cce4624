using System.Net;
using Border.Routing;
using Border.Routing.Attractions;
using Border.Routing.Speakers.Frr;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Routing.Speakers.Frr;

public sealed class FrrBgpSpeakerTests
{
    private const string Upstream = "203.0.113.1";
    private static readonly Attraction Pool4 = new(IPNetwork.Parse("192.0.2.0/30"), new BgpAttributes(new BgpCommunities([BgpCommunities.NoExport])));

    private const string NoExportRouteMap = """
        { "BGP": { "BORDER-BGP-OUT": { "rules": [ { "matchClauses": [ "as-path BORDER-LOCAL" ], "setClauses": [ "community no-export" ] } ] } } }
        """;

    private const string Originated = """{ "routes": { "192.0.2.0/30": [ { "peerId": "(unspec)" } ] } }""";

    private const string Advertised = """{ "advertisedRoutes": { "192.0.2.0/30": { "network": "192.0.2.0/30", "path": "" } } }""";

    [Fact]
    public async Task GetHeld_PoolOnlyInTheAdjOut_IsHeld()
    {
        var transport = new FakeFrrTransport(table: "{}", advertised: Advertised);

        var held = await NewSpeaker(transport).GetHeldAsync(TestContext.Current.CancellationToken);

        Assert.Equal(new HashSet<Attraction> { Pool4 }, held);
    }

    [Fact]
    public async Task Withdraw_PoolWithItsNetwork_RemovesTheNetwork()
    {
        var transport = new FakeFrrTransport(table: Originated, advertised: Advertised);

        await NewSpeaker(transport).WithdrawAsync(Pool4, TestContext.Current.CancellationToken);

        Assert.Equal(["router bgp 64513", "address-family ipv4 unicast", "no network 192.0.2.0/30"], Assert.Single(transport.Configured));
    }

    [Fact]
    public async Task Withdraw_PoolLeftInTheAdjOutWithoutItsNetwork_AddsAndRemovesItInOneSession()
    {
        var transport = new FakeFrrTransport(table: "{}", advertised: Advertised);

        await NewSpeaker(transport).WithdrawAsync(Pool4, TestContext.Current.CancellationToken);

        Assert.Equal(
            ["router bgp 64513", "address-family ipv4 unicast", "network 192.0.2.0/30", "no network 192.0.2.0/30"],
            Assert.Single(transport.Configured));
    }

    private static FrrBgpSpeaker NewSpeaker(IFrrTransport transport) =>
        new(transport, new BgpOptions { LocalAsn = 64513, Neighbors = [new BgpNeighbor(IPAddress.Parse(Upstream), 64500)] }, NullLogger<FrrBgpSpeaker>.Instance);

    /// <summary>bgpd holding one IPv4 table and adj-out for the one upstream, an empty IPv6 side; any other command fails.</summary>
    private sealed class FakeFrrTransport(string table, string advertised) : IFrrTransport
    {
        public List<IReadOnlyList<string>> Configured { get; } = [];

        public Task<string> ShowJsonAsync(string command, CancellationToken cancellationToken) => Task.FromResult(Answer(command));

        public Task<IReadOnlyList<string>> ShowJsonEachAsync(IReadOnlyList<string> commands, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([.. commands.Select(Answer)]);

        private string Answer(string command) => command switch
        {
            "show route-map BORDER-BGP-OUT json" => NoExportRouteMap,
            "show bgp ipv4 unicast json" => table,
            $"show bgp ipv4 unicast neighbors {Upstream} advertised-routes json" => advertised,
            "show bgp ipv6 unicast json" or $"show bgp ipv6 unicast neighbors {Upstream} advertised-routes json" => "{}",
            _ => throw new InvalidOperationException($"unexpected show command: {command}"),
        };

        public Task ConfigureAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
        {
            Configured.Add(lines);
            return Task.CompletedTask;
        }
    }
}
