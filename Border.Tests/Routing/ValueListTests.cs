using System.Net;
using Border.Nat.Unbound;
using Border.Routing;

namespace Border.Tests.Routing;

public sealed class ValueListTests
{
    [Fact]
    public void Equals_SameItemsBuiltApart_AreEqualWithTheSameHash()
    {
        ValueList<string> first = ["/usr/bin/systemctl", "start", "unbound"];
        ValueList<string> second = [.. new List<string> { "/usr/bin/systemctl", "start", "unbound" }];

        Assert.NotSame(first, second);
        Assert.True(first.Equals(second));
        Assert.True(first.Equals((object)second));
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
    }

    [Theory]
    [InlineData("start", "/usr/bin/systemctl", "unbound")]
    [InlineData("/usr/bin/systemctl", "start", "unbound-resolver")]
    [InlineData("/usr/bin/systemctl", "start")]
    [InlineData("/usr/bin/systemctl", "start", "unbound", "now")]
    public void Equals_OtherOrderOtherItemOrOtherLength_IsNotEqual(params string[] items)
    {
        ValueList<string> list = ["/usr/bin/systemctl", "start", "unbound"];

        Assert.False(list.Equals([.. items]));
    }

    [Fact]
    public void Equals_Null_IsNotEqual()
    {
        ValueList<string> list = [];

        Assert.False(list.Equals(null));
        Assert.False(list.Equals((object?)null));
    }

    [Fact]
    public void Record_ListFieldsWithTheSameItems_RecordsAreEqualAndPrintTheItems()
    {
        UnboundOptions Options(string server) => new()
        {
            ListenAddresses = [IPAddress.Parse("198.51.100.53")],
            Dns64Prefix = IPNetwork.Parse("2001:db8:d78:564::/96"),
            AllowedClients = [IPNetwork.Parse("198.51.100.0/25")],
            Zones = [new UnboundZone("example.", UnboundZoneKind.Forward, [IPAddress.Parse(server)])],
        };

        Assert.Equal(Options("203.0.113.10"), Options("203.0.113.10"));
        Assert.NotEqual(Options("203.0.113.10"), Options("203.0.113.11"));
        Assert.Contains("Servers = [203.0.113.10]", Options("203.0.113.10").ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_PrintsTheItems()
    {
        Assert.Equal("[/usr/bin/systemctl, start, unbound]", new UnboundEngineOptions().StartCommand.ToString());
        Assert.Equal("[]", ((ValueList<int>)[]).ToString());
    }
}
