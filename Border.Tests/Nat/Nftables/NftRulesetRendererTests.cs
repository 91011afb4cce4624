using System.Net;
using Border.Nat.Nftables;
using Border.Tests.Nat.Golden;

namespace Border.Tests.Nat.Nftables;

public sealed class NftRulesetRendererTests
{
    /// <summary>The lab gateway's table with two adjacent site prefixes, the case nft would merge in a set.</summary>
    internal static NftablesOptions Gateway => new()
    {
        UplinkInterface = "up0",
        Forwards =
        [
            new ForwardRule("nat44", "in4", "up0", [IPNetwork.Parse("198.51.100.0/26"), IPNetwork.Parse("198.51.100.64/26")]),
            new ForwardRule("nat66", "in4", "up0", [IPNetwork.Parse("2001:db8:d78:500::/56")]),
            new ForwardRule("nat64", "in6", "nat64", [IPNetwork.Parse("2001:db8:d78:500::/56")], IPNetwork.Parse("2001:db8:d78:564::/96")),
            new ForwardRule("nat64", "nat64", "up0", [IPNetwork.Parse("198.51.100.192/27")]),
        ],
        SourceNats =
        [
            new SourceNat("nat44", [IPNetwork.Parse("198.51.100.0/26"), IPNetwork.Parse("198.51.100.64/26")], IPNetwork.Parse("192.0.2.0/30")),
            new SourceNat("nat66", [IPNetwork.Parse("2001:db8:d78:500::/56")], IPNetwork.Parse("2001:db8:d78::3:0:0/125")),
            new SourceNat("nat64", [IPNetwork.Parse("198.51.100.192/27")], IPNetwork.Parse("192.0.2.1/32")),
        ],
    };

    [Fact]
    public void RenderScript_Gateway_MatchesGolden() =>
        GoldenFile.AssertMatches("gateway.nft", NftRulesetRenderer.RenderScript(Gateway));

    [Theory]
    [InlineData("192.0.2.0/30", "192.0.2.0/30")]
    [InlineData("192.0.2.1/32", "192.0.2.1")]
    [InlineData("2001:db8:d78::3:0:0/125", "2001:db8:d78::3:0:0/125")]
    [InlineData("2001:db8:d78::3:0:1/128", "2001:db8:d78::3:0:1")]
    public void AsListed_Prefix_AsNftPrintsIt(string prefix, string listed) =>
        Assert.Equal(listed, NftRulesetRenderer.AsListed(IPNetwork.Parse(prefix)));
}
