using System.Net;
using Border.Routing.Attractions;
using Border.Routing.Speakers.Frr;

namespace Border.Tests.Routing.Speakers.Frr;

public sealed class FrrOspfStateTests
{
    [Fact]
    public void ParseOspfExternal_LiveAndMaxAgeLsas_ReturnsOnlyLiveWithMetricAndType()
    {
        // The shape FRR 8.4 ospfd answers "show ip ospf database external self-originate json" with.
        const string json = """
            { "routerId": "198.51.100.98", "AS External Link States": {
              "0.0.0.0": { "lsaAge": 10, "linkStateId": "0.0.0.0", "networkMask": 0, "metricType": "E1", "metric": 200 },
              "198.51.100.53": { "lsaAge": 12, "linkStateId": "198.51.100.53", "networkMask": 32, "metricType": "E2", "metric": 50 },
              "198.51.100.54": { "lsaAge": 3600, "linkStateId": "198.51.100.54", "networkMask": 32, "metricType": "E1", "metric": 200 } } }
            """;

        var held = FrrOspfState.ParseOspfExternal(json).ToHashSet();

        Assert.Equal(
            new HashSet<Attraction>
            {
                new(IPNetwork.Parse("0.0.0.0/0"), new OspfAttributes(200, OspfMetricType.E1)),
                new(IPNetwork.Parse("198.51.100.53/32"), new OspfAttributes(50, OspfMetricType.E2)),
            },
            held);
    }

    [Fact]
    public void ParseOspf6External_LiveAndMaxAgeLsas_ReturnsOnlyLiveWithMetricAndType()
    {
        // The shape FRR 8.4 ospf6d answers "show ipv6 ospf6 database as-external self-originated detail json" with.
        const string json = """
            { "asScopedLinkStateDb": [ { "lsa": [
              { "age": 7, "type": "AS-External", "metric": 200, "prefix": "::", "bits": "---" },
              { "age": 2, "type": "AS-External", "metric": 70, "prefix": "2001:db8:d78:564::/96", "bits": "E--" },
              { "age": 3600, "type": "AS-External", "metric": 200, "prefix": "2001:db8:d78:500::1:0/128", "bits": "---" } ] } ] }
            """;

        var held = FrrOspfState.ParseOspf6External(json).ToHashSet();

        Assert.Equal(
            new HashSet<Attraction>
            {
                new(IPNetwork.Parse("::/0"), new OspfAttributes(200, OspfMetricType.E1)),
                new(IPNetwork.Parse("2001:db8:d78:564::/96"), new OspfAttributes(70, OspfMetricType.E2)),
            },
            held);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    public void Parse_DaemonWithNothingToReport_ReturnsEmpty(string json)
    {
        Assert.Empty(FrrOspfState.ParseOspfExternal(json));
        Assert.Empty(FrrOspfState.ParseOspf6External(json));
    }

    [Theory]
    [InlineData("2001:db8:d78:564::/96", "kernel")]
    [InlineData("198.51.100.53/32", "connected")]
    [InlineData("2001:db8:d78:565::/96", "static")]
    [InlineData("2001:db8:d78:566::/96", null)]
    [InlineData("2001:db8:d78:567::/96", null)]
    public void RouteSource_ZebraTable_SelectedRouteOfTheGatewaysOwnOrNull(string prefix, string? expected)
    {
        // The shape FRR 8.4 zebra answers "show ip route json" with: a kernel route that beats a static one, a connected
        // address, a lone blackhole, a prefix learnt only over OSPF (another gateway's), and none at all for :567::/96.
        const string json = """
            {
              "2001:db8:d78:564::/96": [
                { "prefix": "2001:db8:d78:564::/96", "protocol": "kernel", "selected": true, "distance": 0 },
                { "prefix": "2001:db8:d78:564::/96", "protocol": "static", "distance": 1 } ],
              "198.51.100.53/32": [ { "prefix": "198.51.100.53/32", "protocol": "connected", "selected": true } ],
              "2001:db8:d78:565::/96": [ { "prefix": "2001:db8:d78:565::/96", "protocol": "static", "selected": true } ],
              "2001:db8:d78:566::/96": [ { "prefix": "2001:db8:d78:566::/96", "protocol": "ospf6", "selected": true } ]
            }
            """;

        Assert.Equal(expected, FrrOspfState.RouteSource(json, IPNetwork.Parse(prefix)));
    }
}
