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
}
