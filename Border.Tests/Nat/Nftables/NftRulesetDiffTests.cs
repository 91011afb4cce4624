using Border.Nat.Nftables;

namespace Border.Tests.Nat.Nftables;

public sealed class NftRulesetDiffTests
{
    private const string Table = "table inet border {\n\tchain forward {\n\t\tct state established,related accept\n\t\tct state invalid drop\n\t}\n}\n";

    [Theory]
    [InlineData("same text", Table, new string[0])]
    [InlineData("other indentation and blank lines", "table inet border {\n  chain forward {\n\n    ct state established,related accept\n    ct state invalid drop\n  }\n}", new string[0])]
    [InlineData("rule deleted", "table inet border {\n\tchain forward {\n\t\tct state established,related accept\n\t}\n}\n", new[] { "missing 'ct state invalid drop'" })]
    [InlineData("rule added", "table inet border {\n\tchain forward {\n\t\tct state established,related accept\n\t\tct state invalid drop\n\t\taccept\n\t}\n}\n", new[] { "unexpected 'accept'" })]
    [InlineData("rules swapped", "table inet border {\n\tchain forward {\n\t\tct state invalid drop\n\t\tct state established,related accept\n\t}\n}\n", new[] { "same rules in another order" })]
    public void Compare_LiveTable_ListsDifferences(string scenario, string live, string[] expected)
    {
        Assert.True(expected.SequenceEqual(NftRulesetDiff.Compare(Table, live)), scenario);
    }

    [Fact]
    public void Compare_ManyLinesMissing_ShowsThreeAndCountsTheRest()
    {
        var differences = NftRulesetDiff.Compare("a\nb\nc\nd\ne\n", "");

        Assert.Equal(["missing 'a', 'b', 'c' and 2 more"], differences);
    }
}
