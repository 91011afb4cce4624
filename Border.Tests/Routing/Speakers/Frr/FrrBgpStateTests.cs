using System.Net;
using Border.Routing.Attractions;
using Border.Routing.Speakers.Frr;

namespace Border.Tests.Routing.Speakers.Frr;

public sealed class FrrBgpStateTests
{
    [Fact]
    public void ParseOutboundCommunities_OneObjectPerDaemon_ReadsBgpdsSetClause()
    {
        // vtysh asks every daemon and prints their answers one after another; only bgpd's copy sets communities.
        const string json = """
            {
              "ZEBRA":{ "BORDER-BGP-OUT":{ "rules":[ { "sequenceNumber":10, "matchClauses":[], "setClauses":[] } ] } }
            }
            {
              "BGP":{ "BORDER-BGP-OUT":{ "rules":[ { "sequenceNumber":10, "matchClauses":[ "as-path BORDER-LOCAL" ],
                "setClauses":[ "community 64500:7 no-export" ] } ] } }
            }
            """;

        var communities = FrrBgpState.ParseOutboundCommunities(json, "BORDER-BGP-OUT");

        Assert.Equal(new BgpCommunities([BgpCommunities.NoExport, (64500u << 16) | 7]), communities);
    }

    [Fact]
    public void ParseLocalPrefixes_LocalAndReceivedPaths_ReturnsOnlyLocal()
    {
        const string json = """
            { "routes": {
              "0.0.0.0/0": [ { "peerId": "203.0.113.1" } ],
              "192.0.2.0/30": [ { "peerId": "(unspec)" } ] } }
            """;

        Assert.Equal([IPNetwork.Parse("192.0.2.0/30")], FrrBgpState.ParseLocalPrefixes(json));
    }

    [Fact]
    public void ParseSessionsAndDefaultFrom_BgpdAnswers_ReadStateAndSender()
    {
        const string neighbors = """{ "203.0.113.1": { "remoteAs": 64500, "bgpState": "Idle" } }""";
        const string route = """{ "prefix": "0.0.0.0/0", "paths": [ { "peer": { "peerId": "203.0.113.1" } } ] }""";

        Assert.Equal("Idle", FrrBgpState.ParseSessions(neighbors)[IPAddress.Parse("203.0.113.1")]);
        Assert.Equal([IPAddress.Parse("203.0.113.1")], FrrBgpState.ParseDefaultFrom(route));
    }

    [Fact]
    public void ParseAdvertisedLocal_AdjOut_ReturnsOnlyPrefixesOriginatedHere()
    {
        // The shape FRR 8.4 bgpd answers "show bgp ipv4 unicast neighbors X advertised-routes json" with; a route
        // learnt elsewhere carries its AS path, and an unknown neighbour gets a warning instead.
        const string json = """
            { "bgpTableVersion": 4, "advertisedRoutes": {
              "192.0.2.0/30": { "network": "192.0.2.0/30", "nextHop": "0.0.0.0", "path": "", "bgpOriginCode": "i" },
              "198.51.100.0/24": { "network": "198.51.100.0/24", "nextHop": "203.0.113.9", "path": "64496", "bgpOriginCode": "i" } },
              "totalPrefixCounter": 2 }
            """;

        Assert.Equal([IPNetwork.Parse("192.0.2.0/30")], FrrBgpState.ParseAdvertisedLocal(json));
        Assert.Empty(FrrBgpState.ParseAdvertisedLocal("""{ "warning": "No such neighbor in this view/vrf" }"""));
    }
}
