using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Nat.Jool;

/// <summary>Counts the Jool instance's NAT64 sessions per protocol, from <c>jool session display --csv</c>.</summary>
/// <remarks><c>session display</c> lists one protocol at a time, TCP unless told (<c>--udp</c>, <c>--icmp</c>),
/// as CSV under a header line, one session a row (Border.Tests/Nat/Jool/Recorded/session-display-csv.*). Counting
/// rows reads the whole table: fine for a scrape every few seconds on an appliance, and exact.</remarks>
internal sealed class JoolSessionCounter(JoolOptions options, ICommandRunner runner, NatToolOptions tools) : IEngineCounters
{
    /// <summary>The gauge's name.</summary>
    public const string Metric = "border_jool_sessions";

    private static readonly (string Protocol, string[] Flag)[] Protocols = [("tcp", []), ("udp", ["--udp"]), ("icmp", ["--icmp"])];

    public async Task<IReadOnlyList<EngineCounter>> ReadCountersAsync(CancellationToken cancellationToken)
    {
        var counters = new List<EngineCounter>();
        foreach (var (protocol, flag) in Protocols)
        {
            string[] arguments = ["-i", options.Instance, "session", "display", "--csv", "--numeric", .. flag];
            var result = await runner.RunAsync(tools.Jool, arguments, tools.CommandTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                throw CommandFailures.Exited(tools.Jool, arguments, result);
            }

            counters.Add(new EngineCounter(
                Metric,
                "NAT64 sessions the Jool instance holds now, per protocol.",
                Count(result.StandardOutput),
                [new("instance", options.Instance), new("protocol", protocol)]));
        }

        return counters;
    }

    /// <summary>The sessions in one protocol's CSV listing: its rows under the header.</summary>
    internal static int Count(string csv) => JoolCli.Rows(csv).Count();
}
