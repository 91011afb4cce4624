using Border.App.Metrics;
using Border.Nat;
using Border.Nat.Jool;
using Border.Nat.Tools;
using Border.Routing.Processes;
using Border.Tests.Nat.Fakes;
using Border.Tests.Nat.Jool;

namespace Border.Tests.App.Metrics;

public sealed class EngineMetricsTests
{
    private static readonly string Recorded = Path.Combine(AppContext.BaseDirectory, "Nat", "Jool", "Recorded");
    private readonly RecordingLogger<EngineMetricsTests> log = new();

    [Fact]
    public async Task Render_CountersOfTwoEnginesOneUnreadable_ServesTheReadableAndFlagsTheOther()
    {
        var tayga = new FixedCounters(new EngineCounter("border_tayga_dynamic_mappings", "IPv6 clients Tayga has mapped.", 3, [new("tun", "nat64")]));
        var jool = new FixedCounters(new CommandFailedException("jool kernel module not loaded"));

        var text = await EngineMetrics.RenderAsync([("tayga", tayga), ("jool", jool)], log, TestContext.Current.CancellationToken);

        Assert.Equal(
            """
            # HELP border_engine_counters_readable 1 when the engine's counters could be read at this scrape.
            # TYPE border_engine_counters_readable gauge
            border_engine_counters_readable{engine="tayga"} 1
            # HELP border_tayga_dynamic_mappings IPv6 clients Tayga has mapped.
            # TYPE border_tayga_dynamic_mappings gauge
            border_tayga_dynamic_mappings{tun="nat64"} 3
            border_engine_counters_readable{engine="jool"} 0

            """,
            text);
        Assert.Equal("jool counters could not be read: jool kernel module not loaded", Assert.Single(log.Entries).Message);
    }

    [Fact]
    public async Task JoolSessions_RecordedEmptyTable_CountsNoSessions()
    {
        var csv = await File.ReadAllTextAsync(Path.Combine(Recorded, "session-display-csv.stdout"), TestContext.Current.CancellationToken);

        Assert.Equal(0, JoolSessionCounter.Count(csv));
    }

    [Fact]
    public async Task JoolSessions_EachProtocol_AskedOnceAndCountedFromItsRows()
    {
        // The recorded header (the real module's) with rows in its layout, one per session.
        var header = (await File.ReadAllTextAsync(Path.Combine(Recorded, "session-display-csv.stdout"), TestContext.Current.CancellationToken)).TrimEnd('\n');
        var udp = header + "\nUDP,2001:db8:d78:50b::10,40000,2001:db8:d78:564::cb00:710a,53,192.0.2.1,61001,203.0.113.10,53,00:04:59,\n"
            + "UDP,2001:db8:d78:50b::11,40001,2001:db8:d78:564::cb00:710a,53,192.0.2.1,61002,203.0.113.10,53,00:04:58,\n";
        var runner = new SessionTables(("", header + "\n"), ("--udp", udp), ("--icmp", header + "\n"));
        var counter = new JoolSessionCounter(new JoolOptions { Pool6 = System.Net.IPNetwork.Parse("2001:db8:d78:564::/96"), Pool4 = System.Net.IPNetwork.Parse("192.0.2.0/30") }, runner, new NatToolOptions());

        var counters = await counter.ReadCountersAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            ["border_jool_sessions{instance=border,protocol=tcp} 0", "border_jool_sessions{instance=border,protocol=udp} 2", "border_jool_sessions{instance=border,protocol=icmp} 0"],
            counters.Select(sample => $"{sample.Name}{{{string.Join(',', sample.Labels.Select(label => $"{label.Key}={label.Value}"))}}} {sample.Value}"));
        runner.AssertAllAsked();
    }

    private sealed class FixedCounters : IEngineCounters
    {
        private readonly EngineCounter[] counters = [];
        private readonly Exception? failure;

        public FixedCounters(params EngineCounter[] counters) => this.counters = counters;

        public FixedCounters(Exception failure) => this.failure = failure;

        public Task<IReadOnlyList<EngineCounter>> ReadCountersAsync(CancellationToken cancellationToken) =>
            failure is null ? Task.FromResult<IReadOnlyList<EngineCounter>>(counters) : Task.FromException<IReadOnlyList<EngineCounter>>(failure);
    }

    /// <summary>Answers <c>jool session display</c> per protocol flag, in the recorded call's form; fails loudly on any other call.</summary>
    private sealed class SessionTables(params (string Flag, string Csv)[] tables) : ICommandRunner
    {
        private readonly Queue<(string Flag, string Csv)> pending = new(tables);

        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, string? standardInput = null, CancellationToken cancellationToken = default)
        {
            Assert.Equal(RecordedJoolRunner.Jool, program);
            Assert.True(pending.TryDequeue(out var next), $"unexpected call: jool {string.Join(' ', arguments)}");
            var recorded = File.ReadAllLines(Path.Combine(Recorded, "session-display-csv.args"));
            Assert.Equal(next.Flag.Length == 0 ? recorded : [.. recorded, next.Flag], arguments);
            return Task.FromResult(new CommandResult(0, next.Csv, ""));
        }

        public void AssertAllAsked() => Assert.Empty(pending);
    }
}
