using System.Net;
using System.Net.Sockets;
using Border.Nat.Dns;
using Border.Nat.Unbound;

namespace Border.Tests.Nat.Unbound;

public sealed class Dns64ProbeTests
{
    private static readonly IPAddress Anycast = IPAddress.Parse("198.51.100.53");

    private static readonly Dictionary<string, Func<Task<DnsAnswer>>> Replies = new()
    {
        ["synthesized"] = () => Answer(0, "2001:db8:d78:564::cb00:7102"),
        ["outside prefix"] = () => Answer(0, "2001:db8:1::1"),
        ["no AAAA"] = () => Answer(0),
        ["refused"] = () => Answer(5),
        ["port closed"] = () => Task.FromException<DnsAnswer>(new SocketException((int)SocketError.ConnectionRefused)),
        ["garbage"] = () => Task.FromException<DnsAnswer>(new InvalidDataException("reply id does not match the query")),
    };

    [Theory]
    [InlineData("synthesized", true, "198.51.100.53 synthesized 2001:db8:d78:564::cb00:7102 for v4only.example")]
    [InlineData("outside prefix", false, "198.51.100.53 returned 2001:db8:1::1 for v4only.example, outside the NAT64 prefix 2001:db8:d78:564::/96")]
    [InlineData("no AAAA", false, "198.51.100.53 returned no AAAA for v4only.example: DNS64 synthesis is off")]
    [InlineData("refused", false, "198.51.100.53 answered REFUSED for AAAA v4only.example")]
    [InlineData("port closed", false, "nothing listens on 198.51.100.53 port 53 (connection refused): is unbound running?")]
    [InlineData("garbage", false, "reply id does not match the query")]
    public async Task Probe_Answer_ResultAndReason(string scenario, bool healthy, string reason)
    {
        var result = await Probe(new FakeDns(_ => Replies[scenario]())).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.True(healthy == result.Healthy, scenario);
        Assert.Equal(reason, result.Reason);
        Assert.Equal("dns64-query 198.51.100.53", result.Check);
    }

    [Fact]
    public async Task Probe_NoAnswerWithinTimeout_FailsWithTimeoutReason()
    {
        var dns = new FakeDns(async token =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return new DnsAnswer(0, []);
        });

        var result = await Probe(dns, TimeSpan.FromMilliseconds(50)).ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("no answer from 198.51.100.53 for AAAA v4only.example within 50 ms", result.Reason);
    }

    [Fact]
    public async Task Probe_CallerCancels_ThrowsInsteadOfFailing()
    {
        using var shutdown = new CancellationTokenSource();
        await shutdown.CancelAsync();
        var dns = new FakeDns(token => Task.FromCanceled<DnsAnswer>(token));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Probe(dns).ProbeAsync(shutdown.Token));
    }

    private static Task<DnsAnswer> Answer(int rcode, params string[] addresses) =>
        Task.FromResult(new DnsAnswer(rcode, [.. addresses.Select(IPAddress.Parse)]));

    private static Dns64Probe Probe(IDnsClient dns, TimeSpan? timeout = null) =>
        new(Anycast, "v4only.example", IPNetwork.Parse("2001:db8:d78:564::/96"), timeout ?? TimeSpan.FromSeconds(2), dns, TimeProvider.System);

    private sealed class FakeDns(Func<CancellationToken, Task<DnsAnswer>> reply) : IDnsClient
    {
        public Task<DnsAnswer> QueryAaaaAsync(IPAddress server, string name, CancellationToken cancellationToken)
        {
            Assert.Equal((Anycast, "v4only.example"), (server, name));
            return reply(cancellationToken);
        }
    }
}
