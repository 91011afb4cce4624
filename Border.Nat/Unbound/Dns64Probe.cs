using System.Net;
using System.Net.Sockets;
using Border.Nat.Dns;
using Border.Nat.Health;
using Border.Routing.Health;

namespace Border.Nat.Unbound;

/// <summary>Asks one anycast address for the AAAA of an IPv4-only name; healthy when the answer is synthesized
/// inside the NAT64 prefix within the timeout.</summary>
internal sealed class Dns64Probe(
    IPAddress server,
    string name,
    IPNetwork prefix,
    TimeSpan timeout,
    IDnsClient dns,
    TimeProvider time) : IProbe
{
    public string Name { get; } = $"dns64-query {server}";

    public Task<CheckResult> ProbeAsync(CancellationToken cancellationToken) =>
        CheckRun.GuardAsync(Name, time, QueryAsync, cancellationToken);

    private async Task<Finding> QueryAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        DnsAnswer answer;
        try
        {
            answer = await dns.QueryAaaaAsync(server, name, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Finding.Fail($"no answer from {server} for AAAA {name} within {timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return Finding.Fail($"nothing listens on {server} port 53 (connection refused): is unbound running?");
        }

        if (answer.ResponseCode != 0)
        {
            return Finding.Fail($"{server} answered {answer.ResponseCodeName} for AAAA {name}");
        }

        if (answer.Addresses.Count == 0)
        {
            return Finding.Fail($"{server} returned no AAAA for {name}: DNS64 synthesis is off");
        }

        var outside = answer.Addresses.FirstOrDefault(address => !prefix.Contains(address));
        return outside is null
            ? Finding.Pass($"{server} synthesized {answer.Addresses[0]} for {name}")
            : Finding.Fail($"{server} returned {outside} for {name}, outside the NAT64 prefix {prefix}");
    }
}
