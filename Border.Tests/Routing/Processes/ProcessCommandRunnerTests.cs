using System.Globalization;
using Border.Routing.Processes;

namespace Border.Tests.Routing.Processes;

/// <summary>The runner with real child processes: what a timeout or a cancellation leaves in the process table.</summary>
public sealed class ProcessCommandRunnerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly ProcessCommandRunner runner = new();

    [Fact]
    public async Task Run_ExitsInTime_ReturnsItsCodeAndBothStreams()
    {
        var result = await runner.RunAsync("sh", ["-c", "cat; echo err >&2; exit 3"], Bound, "in\n", TestContext.Current.CancellationToken);

        Assert.Equal(new CommandResult(3, "in\n", "err\n"), result);
    }

    [Fact]
    public async Task Run_OutlivesItsTimeout_FailsNamingTheCommandAndTheTimeoutAndTheChildIsGone()
    {
        var call = runner.RunAsync("sleep", ["30"], TimeSpan.FromMilliseconds(200), cancellationToken: TestContext.Current.CancellationToken);
        // The child exists once the call has returned its task: the start is synchronous.
        var child = OurChild.Find("sleep", "30");

        var failure = await Assert.ThrowsAsync<CommandFailedException>(() => call.WaitAsync(Bound, TestContext.Current.CancellationToken));

        Assert.Equal("sleep 30 did not finish within 200 ms and was killed", failure.Message);
        Assert.Null(failure.Result);
        Assert.False(child.IsAlive(), $"sleep (pid {child.Pid}) is still in the process table: {child.Stat()}");
    }

    [Fact]
    public async Task Run_OutlivesItsTimeout_KillsWhatTheChildStartedToo()
    {
        using var pidFile = new TemporaryFile(string.Empty);
        var call = runner.RunAsync("sh", ["-c", $"sleep 30 & echo $! > {pidFile.Path}; wait"], TimeSpan.FromMilliseconds(1000), cancellationToken: TestContext.Current.CancellationToken);
        var shell = OurChild.Find("sh", "-c");

        await Assert.ThrowsAsync<CommandFailedException>(() => call.WaitAsync(Bound, TestContext.Current.CancellationToken));

        Assert.False(shell.IsAlive(), $"sh (pid {shell.Pid}) is still in the process table: {shell.Stat()}");
        var grandchild = int.Parse(File.ReadAllText(pidFile.Path).Trim(), CultureInfo.InvariantCulture);
        // Not our child: PID 1 reaps it, slowly here, so a zombie counts as gone; dying takes a moment after SIGKILL.
        Assert.True(
            await ProcessTable.BecomesDeadAsync(grandchild, Bound),
            $"the sleep sh started (pid {grandchild}) outlived the timeout: {ProcessTable.Stat(grandchild)}");
    }

    [Fact]
    public async Task Run_CallerCancels_KillsTheChildAndIsCancelled()
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var call = runner.RunAsync("sleep", ["30"], Bound, cancellationToken: caller.Token);
        var child = OurChild.Find("sleep", "30");

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound, TestContext.Current.CancellationToken));
        Assert.False(child.IsAlive(), $"sleep (pid {child.Pid}) is still in the process table: {child.Stat()}");
    }

    /// <summary>A child of this test process, known by pid and start time so a recycled pid is not mistaken for it.</summary>
    private sealed record OurChild(int Pid, string StartTime)
    {
        /// <summary>The one child of this process running exactly <paramref name="program"/> with
        /// <paramref name="firstArgument"/> first; fails the test unless there is exactly one.</summary>
        public static OurChild Find(string program, string firstArgument)
        {
            var matches = ProcessTable.Pids()
                .Where(pid => ProcessTable.Parent(pid) == Environment.ProcessId && ProcessTable.Arguments(pid) is [var name, var first, ..]
                    && name == program && first == firstArgument)
                .ToList();
            var pid = Assert.Single(matches);
            return new OurChild(pid, ProcessTable.StartTime(pid) ?? throw new InvalidOperationException($"pid {pid} vanished while it was read"));
        }

        /// <summary>Whether it is still in the process table in any state, a zombie included: our own child is reaped
        /// by our wait, so a zombie here means the runner reported before it had waited.</summary>
        public bool IsAlive() => ProcessTable.StartTime(Pid) == StartTime;

        public string Stat() => ProcessTable.Stat(Pid);
    }

    /// <summary>Reads /proc.</summary>
    private static class ProcessTable
    {
        public static IEnumerable<int> Pids() =>
            Directory.EnumerateDirectories("/proc")
                .Select(directory => int.TryParse(Path.GetFileName(directory), out var pid) ? pid : 0)
                .Where(pid => pid > 0);

        public static string Stat(int pid)
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/stat").Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return "gone";
            }
        }

        public static string[] Arguments(int pid)
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return [];
            }
        }

        public static int Parent(int pid) => Fields(pid) is { } fields ? int.Parse(fields[1], CultureInfo.InvariantCulture) : -1;

        public static string? StartTime(int pid) => Fields(pid)?[19];

        /// <summary>Waits, bounded, until the process is a zombie or gone.</summary>
        public static async Task<bool> BecomesDeadAsync(int pid, TimeSpan bound)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < bound)
            {
                if (Fields(pid) is not [var state, ..] || state is "Z" or "X")
                {
                    return true;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken);
            }

            return false;
        }

        /// <summary>The fields of /proc/PID/stat after the command name, from the state on (field 3 is index 0).</summary>
        private static string[]? Fields(int pid)
        {
            var stat = Stat(pid);
            return stat == "gone" ? null : stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
    }
}
