using System.Net;
using Border.Routing.Attractions;

namespace Border.Tests.Routing.Attractions;

public sealed class AttractionCatalogTests
{
    private static readonly OspfAttributes Ospf = new(200, OspfMetricType.E1);
    private static readonly BgpAttributes Bgp = new(new BgpCommunities([BgpCommunities.NoExport]));

    [Fact]
    public void Build_AllServices_FollowsTheDesignTable()
    {
        var entries = AttractionCatalog.Build(new AttractionCatalogOptions
        {
            Nat44Pool = IPNetwork.Parse("192.0.2.0/30"),
            Nat66Pool = IPNetwork.Parse("2001:db8:d78::3:0:0/125"),
            Nat64Prefix = IPNetwork.Parse("2001:db8:d78:564::/96"),
            Nat64Pool4 = IPNetwork.Parse("192.0.2.0/30"),
            Dns64Anycast = [IPNetwork.Parse("198.51.100.53/32"), IPNetwork.Parse("2001:db8:d78:500::1:0/128")],
            Ospf = Ospf,
            Bgp = Bgp,
        });

        Assert.Equal(
            [
                "ospf 0.0.0.0/0 E1 metric 200 <- nat44",
                "ospf 198.51.100.53/32 E1 metric 200 <- dns64",
                "ospf6 ::/0 E1 metric 200 <- nat66",
                "ospf6 2001:db8:d78:564::/96 E1 metric 200 <- nat64",
                "ospf6 2001:db8:d78:500::1:0/128 E1 metric 200 <- dns64",
                "bgp 192.0.2.0/30 communities no-export <- nat44,nat64",
                "bgp 2001:db8:d78::3:0:0/125 communities no-export <- nat66",
            ],
            entries.Select(entry => $"{entry.Attraction} <- {string.Join(",", entry.HeldBy.Select(service => service.Name()))}"));
    }

    [Fact]
    public void Build_Nat64WithItsOwnPool_KeepsPoolsApart()
    {
        var entries = AttractionCatalog.Build(new AttractionCatalogOptions
        {
            Nat44Pool = IPNetwork.Parse("192.0.2.0/30"),
            Nat64Prefix = IPNetwork.Parse("2001:db8:d78:564::/96"),
            Nat64Pool4 = IPNetwork.Parse("192.0.2.4/30"),
            Ospf = Ospf,
            Bgp = Bgp,
        });

        var pools = entries.Where(entry => entry.Attraction.Protocol == RoutingProtocol.Bgp).ToList();
        Assert.Equal([Service.Nat44], pools.Single(entry => entry.Attraction.Prefix.ToString() == "192.0.2.0/30").HeldBy);
        Assert.Equal([Service.Nat64], pools.Single(entry => entry.Attraction.Prefix.ToString() == "192.0.2.4/30").HeldBy);
    }

    [Fact]
    public void Build_NoServices_IsEmpty()
    {
        Assert.Empty(AttractionCatalog.Build(new AttractionCatalogOptions { Ospf = Ospf, Bgp = Bgp }));
    }

    [Theory]
    [InlineData("no-export", 0xFFFFFF01u)]
    [InlineData("no-advertise", 0xFFFFFF02u)]
    [InlineData("64500:42", (64500u << 16) | 42u)]
    public void TryParse_Community_ReadsOperatorForm(string text, uint expected)
    {
        Assert.True(BgpCommunities.TryParse(text, out var community));
        Assert.Equal(expected, community);
        Assert.Equal(text, BgpCommunities.Format(community));
    }

    [Theory]
    [InlineData("65536:1")]
    [InlineData("1:2:3")]
    [InlineData("no_export")]
    public void TryParse_BadCommunity_Fails(string text) => Assert.False(BgpCommunities.TryParse(text, out _));
}
