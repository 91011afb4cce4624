using System.Globalization;
using System.Net;
using Border.Nat.Health;
using Border.Nat.Tools;
using Border.Routing.Health;
using Border.Routing.Processes;

namespace Border.Nat.Nat64;

/// <summary>The NAT64 data-plane probe: one ICMPv6 echo to an IPv4 target through the NAT64 prefix, from the
/// gateway itself; healthy when the target answers within the timeout.</summary>
internal sealed class Nat64PingProbe(
    IPNetwork prefix,
    IPAddress target,
    TimeSpan timeout,
    ICommandRunner runner,
    NatToolOptions tools,
    TimeProvider time) : IProbe
{
    private readonly IPAddress via = Nat64Address.Embed(prefix, target);

    public string Name => $"nat64-ping {target}";

    public Task<CheckResult> ProbeAsync(CancellationToken cancellationToken) =>
        CheckRun.GuardAsync(Name, time, PingAsync, cancellationToken);

    private async Task<Finding> PingAsync(CancellationToken cancellationToken)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        // ping's own deadline bounds the wait; the runner's timeout is only a backstop a little beyond it.
        var result = await runner.RunAsync(
            tools.Ping, ["-6", "-n", "-q", "-c", "1", "-W", seconds, via.ToString()], timeout + TimeSpan.FromSeconds(2), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (result.Succeeded)
        {
            return Finding.Pass($"{target} answered through {via}");
        }

        var detail = string.IsNullOrWhiteSpace(result.StandardError) ? "no reply" : result.StandardError.Trim();
        return Finding.Fail($"{target} did not answer through {via} within {seconds} s ({detail})");
    }
}
