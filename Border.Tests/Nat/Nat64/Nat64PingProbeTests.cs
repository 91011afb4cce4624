using System.Net;
using Border.Nat.Nat64;
using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Tests.Nat.Nat64;

public sealed class Nat64PingProbeTests
{
    private static readonly IPNetwork Prefix = IPNetwork.Parse("2001:db8:d78:564::/96");

    [Fact]
    public void Embed_Ipv4InSlash96_LastThirtyTwoBits() =>
        Assert.Equal(IPAddress.Parse("2001:db8:d78:564::cb00:7102"), Nat64Address.Embed(Prefix, IPAddress.Parse("203.0.113.2")));

    [Fact]
    public void Embed_PrefixNotSlash96_Throws() =>
        Assert.Throws<ArgumentException>(() => Nat64Address.Embed(IPNetwork.Parse("2001:db8:d78:564::/64"), IPAddress.Parse("203.0.113.2")));

    [Fact]
    public async Task Probe_Reply_PassesAndPingsTheEmbeddedAddress()
    {
        var runner = new FakePing(new CommandResult(0, "1 packets transmitted, 1 received", ""));

        var result = await Probe(runner).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Healthy);
        Assert.Equal("nat64-ping 203.0.113.2", result.Check);
        Assert.Equal("203.0.113.2 answered through 2001:db8:d78:564::cb00:7102", result.Reason);
        Assert.Equal(["-6", "-n", "-q", "-c", "1", "-W", "2", "2001:db8:d78:564::cb00:7102"], runner.Arguments);
    }

    [Fact]
    public async Task Probe_NoReply_FailsWithTarget()
    {
        var runner = new FakePing(new CommandResult(1, "1 packets transmitted, 0 received, 100% packet loss", ""));

        var result = await Probe(runner).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("203.0.113.2 did not answer through 2001:db8:d78:564::cb00:7102 within 2 s (no reply)", result.Reason);
    }

    private static Nat64PingProbe Probe(FakePing runner) =>
        new(Prefix, IPAddress.Parse("203.0.113.2"), TimeSpan.FromSeconds(2), runner, new NatToolOptions(), TimeProvider.System);

    private sealed class FakePing(CommandResult result) : ICommandRunner
    {
        public IReadOnlyList<string>? Arguments { get; private set; }

        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, string? standardInput = null, CancellationToken cancellationToken = default)
        {
            Assert.Equal("/usr/bin/ping", program);
            Assert.Null(Arguments);
            Arguments = arguments;
            return Task.FromResult(result);
        }
    }
}
