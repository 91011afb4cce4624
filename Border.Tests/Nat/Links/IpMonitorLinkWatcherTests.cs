using Border.Nat.Links;

namespace Border.Tests.Nat.Links;

public sealed class IpMonitorLinkWatcherTests
{
    [Theory]
    [InlineData("7: nat64: <POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UNKNOWN group default qlen 500\\    link/none", true, true, "UNKNOWN")]
    [InlineData("7: nat64: <NO-CARRIER,POINTOPOINT,MULTICAST,NOARP,UP> mtu 1500 qdisc fq_codel state DOWN group default qlen 500\\    link/none", true, false, "DOWN")]
    [InlineData("7: nat64: <POINTOPOINT,MULTICAST,NOARP> mtu 1500 qdisc fq_codel state DOWN group default qlen 500\\    link/none", true, false, "DOWN")]
    public void Parse_Notification_State(string line, bool present, bool usable, string operState)
    {
        var change = IpMonitorLinkWatcher.Parse("nat64", line);

        Assert.NotNull(change);
        Assert.Equal(present, change.State is not null);
        Assert.Equal(usable, change.State!.Usable);
        Assert.Equal(operState, change.State.OperState);
    }

    [Theory]
    [InlineData("3: upstream@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default \\    link/ether 0e:ba:76:1a:81:fe brd ff:ff:ff:ff:ff:ff link-netns bl-upstream", false, "DOWN")]
    [InlineData("3: upstream@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN group default", false, "LOWERLAYERDOWN")]
    [InlineData("3: upstream@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \\    link/ether 0e:ba:76:1a:81:fe", true, "UP")]
    public void Parse_VethNamedWithItsPeer_State(string line, bool usable, string operState)
    {
        var change = IpMonitorLinkWatcher.Parse("upstream", line);

        Assert.NotNull(change?.State);
        Assert.Equal((usable, operState), (change.State.Usable, change.State.OperState));
    }

    [Theory]
    [InlineData("4: upstream2@if5: <BROADCAST,MULTICAST> mtu 1500 state DOWN")]
    [InlineData("4: upstream2: <BROADCAST,MULTICAST> mtu 1500 state DOWN")]
    public void Parse_LinkWhoseNameStartsTheSame_Ignored(string line) => Assert.Null(IpMonitorLinkWatcher.Parse("upstream", line));

    [Fact]
    public void Parse_Deleted_NullState()
    {
        var change = IpMonitorLinkWatcher.Parse("nat64", "Deleted 7: nat64: <POINTOPOINT,MULTICAST,NOARP> mtu 1500 qdisc noop state DOWN group default");

        Assert.NotNull(change);
        Assert.Null(change.State);
    }

    [Theory]
    [InlineData("8: nat64x: <UP,LOWER_UP> mtu 1500 state UP")]
    [InlineData("9: up0@if3: <BROADCAST,UP,LOWER_UP> mtu 1500 state UP")]
    public void Parse_OtherLink_Ignored(string line) => Assert.Null(IpMonitorLinkWatcher.Parse("nat64", line));
}
