using Border.Routing.Processes;

namespace Border.Tests.Integration;

public sealed class NetworkNamespaceTests
{
    [Fact]
    public async Task Connect_TwoNamespaces_PingAcrossAndDeleteOnDispose()
    {
        Requires.RootAndNetworkNamespaces();
        string leftName;
        await using (var left = await NetworkNamespace.CreateAsync("left"))
        await using (var right = await NetworkNamespace.CreateAsync("right"))
        {
            leftName = left.Name;
            await NetworkNamespace.ConnectAsync(left, "l0", right, "r0");
            await left.AddAddressAsync("l0", "2001:db8:ffff::1/64");
            await right.AddAddressAsync("r0", "2001:db8:ffff::2/64");

            var ping = await left.RunAsync("ping", "-6", "-c", "1", "-W", "2", "2001:db8:ffff::2");

            Assert.True(ping.Succeeded, ping.StandardOutput + ping.StandardError);
        }

        var list = await NetworkNamespace.Runner.RunCheckedAsync("ip", ["netns", "list"], TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(leftName, list.StandardOutput, StringComparison.Ordinal);
    }
}
