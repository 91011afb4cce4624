using System.Net;
using System.Threading.Channels;
using Border.App.Supervision;
using Border.Nat;
using Border.Nat.Health;
using Border.Nat.Jool;
using Border.Nat.Tools;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Processes;
using Border.Tests.Nat.Fakes;
using Border.Tests.Nat.Jool;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.App.Supervision;

/// <summary>The keeper's answer to an engine that asks to be applied again (Jool's kernel module found gone): one
/// apply per request, retried with the backoff of a failed apply, the delays measured on the clock.</summary>
public sealed class EngineApplierReapplyTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TimerWatchingClock time = new();
    private readonly RecordingLogger<EngineApplier> log = new();
    private readonly Channel<CheckReport> reports = Channel.CreateUnbounded<CheckReport>();
    private readonly CancellationTokenSource stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly string directory = Directory.CreateTempSubdirectory("border-keeper-").FullName;

    [Fact]
    public async Task Run_EngineAsksAfterItsFirstApply_AppliesAgainAndSaysWhy()
    {
        var engine = new AskingEngine(time, [null, null]);
        var run = Applier(engine).RunAsync(stop.Token);
        await engine.NextAttemptAsync();

        engine.Ask("jool kernel module not loaded");
        await engine.NextAttemptAsync();
        await StopAsync(run);

        engine.AssertEveryOutcomeUsed();
        AssertLoggedOneRequest("jool kernel module not loaded");
        Assert.False(reports.Reader.TryRead(out var report), $"an apply that succeeded at once reported {report}");
    }

    [Fact]
    public async Task Run_ApplyAskedForFailsTwice_RetriedAfterOneThenTwoSecondsOnTheClockUntilItSucceeds()
    {
        var engine = new AskingEngine(time, [null, "modprobe: FATAL: Module jool not found (1)", "modprobe: FATAL: Module jool not found (2)", null]);
        var run = Applier(engine).RunAsync(stop.Token);
        await engine.NextAttemptAsync();

        engine.Ask("jool kernel module not loaded");
        await engine.NextAttemptAsync();
        var first = await NextReportAsync();
        time.Advance(await time.NextTimerAsync());
        await engine.NextAttemptAsync();
        var second = await NextReportAsync();
        time.Advance(await time.NextTimerAsync());
        await engine.NextAttemptAsync();
        var cleared = await NextReportAsync();
        await StopAsync(run);

        engine.AssertEveryOutcomeUsed();
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], engine.DelaysBetweenAttempts().Skip(1));
        Assert.Equal((false, "modprobe: FATAL: Module jool not found (1)", true), (first.Result.Healthy, first.Result.Reason, first.IsEvent));
        Assert.Equal("fake apply", first.Result.Check);
        Assert.Equal([Service.Nat64], first.Services);
        Assert.Equal("modprobe: FATAL: Module jool not found (2)", second.Result.Reason);
        Assert.Equal((true, "applied at attempt 3"), (cleared.Result.Healthy, cleared.Result.Reason));
    }

    [Fact]
    public async Task AnswerRequests_EngineAppliedByAnEarlierConfig_AppliesOnlyWhenAskedAndOnceForEveryRequestMadeBefore()
    {
        var engine = new AskingEngine(time, [null]);
        engine.Ask("first");
        engine.Ask("second");

        var answering = Applier(engine).AnswerRequestsAsync(stop.Token);
        await engine.NextAttemptAsync();
        await StopAsync(answering);

        engine.AssertEveryOutcomeUsed();
        AssertLoggedOneRequest("second");
    }

    [Fact]
    public async Task AnswerRequests_EngineThatNeverAsks_EndsAtOnce()
    {
        var engine = new NeverAsking();

        await Applier(engine).AnswerRequestsAsync(stop.Token).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(0, engine.Applies);
    }

    [Fact]
    public async Task Run_JoolModuleGoneAndTheFirstModprobeFails_LoadsItAfterTheBackoffAndRecreatesTheInstance()
    {
        var runner = new RecordedJoolRunner(
            "instance-display-csv", "global-display-csv", "pool4-display-csv-tcp", "pool4-display-csv-udp", "pool4-display-csv-icmp",
            "instance-display-csv-no-module",
            "instance-display-csv-no-module", "modprobe-jool-no-module-tree",
            "instance-display-csv-no-module", "modprobe-jool", "instance-display-csv-no-instance", "file-handle-create");
        var jool = new JoolEngine(
            new JoolOptions { Pool6 = IPNetwork.Parse("2001:db8:d78:564::/96"), Pool4 = IPNetwork.Parse("192.0.2.0/30"), IcmpIds = new PortRange(61001, 65535) },
            new JoolEngineOptions { InstanceFilePath = Path.Combine(directory, "input-border.json") },
            new JoolCli(runner, new NatToolOptions { Jool = RecordedJoolRunner.Jool, Modprobe = RecordedJoolRunner.Modprobe }),
            time,
            NullLogger<JoolEngine>.Instance);
        var applier = Applier(jool);
        var run = applier.RunAsync(stop.Token);
        await applier.FirstAttempt.WaitAsync(Wait, TestContext.Current.CancellationToken);

        var probed = await jool.Probes[0].ProbeAsync(TestContext.Current.CancellationToken);
        var failed = await NextReportAsync();
        var failedAt = time.GetUtcNow();
        var delay = await time.NextTimerAsync();
        time.Advance(delay);
        var applied = await NextReportAsync();
        await StopAsync(run);

        runner.AssertAllCalled();
        Assert.StartsWith("jool kernel module not loaded (Error: Jool's socket family doesn't seem to exist.); loading it and applying again", probed.Reason, StringComparison.Ordinal);
        Assert.Equal("jool apply", failed.Result.Check);
        Assert.False(failed.Result.Healthy);
        Assert.StartsWith(
            "jool kernel module not loaded (Error: Jool's socket family doesn't seem to exist.); loading it failed: /usr/sbin/modprobe jool exited with code 1: modprobe: FATAL: Module jool not found in directory /lib/modules/",
            failed.Result.Reason,
            StringComparison.Ordinal);
        Assert.Equal(EngineApplier.FirstDelay, delay);
        Assert.Equal(failedAt + EngineApplier.FirstDelay, applied.Result.At);
        Assert.Equal((true, "applied at attempt 2"), (applied.Result.Healthy, applied.Result.Reason));
    }

    public void Dispose()
    {
        stop.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private EngineApplier Applier(INatEngine engine) =>
        new(engine, [Service.Nat64], report => reports.Writer.TryWrite(report), time, log);

    private async Task StopAsync(Task running)
    {
        await stop.CancelAsync();
        await running.WaitAsync(Wait, TestContext.Current.CancellationToken);
    }

    private void AssertLoggedOneRequest(string why) =>
        Assert.Equal([$"fake asks to be applied again; applying, with the retries and backoff of a failed apply: {why}"], log.Entries.Select(entry => entry.Message));

    private async Task<CheckReport> NextReportAsync() =>
        await reports.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken);

    /// <summary>A fake clock that says when a timer is set and for how long, so a test moves it on by exactly the
    /// delay asked for.</summary>
    private sealed class TimerWatchingClock() : FakeTimeProvider(DateTimeOffset.Parse("2026-11-22T10:00:00Z"))
    {
        private readonly Channel<TimeSpan> dueTimes = Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            dueTimes.Writer.TryWrite(dueTime);
            return timer;
        }

        public async Task<TimeSpan> NextTimerAsync() =>
            await dueTimes.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken);
    }

    /// <summary>An engine that asks to be applied again when told to, and whose applies end as scripted: null for a
    /// success, a text for a failure with it. An apply beyond the script, or anything else the keeper never calls,
    /// fails the test.</summary>
    private sealed class AskingEngine(TimeProvider clock, IReadOnlyList<string?> outcomes) : INatEngine, IReapplyRequests
    {
        private readonly Channel<string> requests = Channel.CreateUnbounded<string>();
        private readonly Channel<DateTimeOffset> attempted = Channel.CreateUnbounded<DateTimeOffset>();
        private readonly Queue<string?> script = new(outcomes);
        private readonly List<DateTimeOffset> attempts = [];
        private readonly List<string> unexpected = [];

        public string Name => "fake";

        public ChannelReader<CheckResult> Events => throw new InvalidOperationException("the keeper never reads events");

        public IReadOnlyList<RecordedProbe> Probes => throw new InvalidOperationException("the keeper never runs probes");

        public ChannelReader<string> ReapplyRequests => requests.Reader;

        public void Ask(string why) => requests.Writer.TryWrite(why);

        public Task ApplyAsync(CancellationToken cancellationToken)
        {
            lock (script)
            {
                attempts.Add(clock.GetUtcNow());
                attempted.Writer.TryWrite(clock.GetUtcNow());
                if (!script.TryDequeue(out var outcome))
                {
                    // The keeper retries whatever an apply throws, an assertion too: keep it for the test to fail on.
                    unexpected.Add($"apply {attempts.Count} was not expected");
                    return Task.FromException(new InvalidOperationException(unexpected[^1]));
                }

                return outcome is null ? Task.CompletedTask : Task.FromException(new CommandFailedException(outcome));
            }
        }

        public Task<CheckResult> ReadBackAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the keeper never reads back");

        public async Task NextAttemptAsync() =>
            await attempted.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken);

        /// <summary>The clock's time from each apply to the next.</summary>
        public IReadOnlyList<TimeSpan> DelaysBetweenAttempts()
        {
            lock (script)
            {
                return [.. attempts.Zip(attempts.Skip(1), (before, after) => after - before)];
            }
        }

        public void AssertEveryOutcomeUsed()
        {
            lock (script)
            {
                Assert.Empty(unexpected);
                Assert.True(script.Count == 0, $"{script.Count} scripted applies never made (made {attempts.Count})");
            }
        }
    }

    /// <summary>An engine without requests: the keeper must never apply it when only answering requests.</summary>
    private sealed class NeverAsking : INatEngine
    {
        public int Applies { get; private set; }

        public string Name => "quiet";

        public ChannelReader<CheckResult> Events => throw new InvalidOperationException("the keeper never reads events");

        public IReadOnlyList<RecordedProbe> Probes => throw new InvalidOperationException("the keeper never runs probes");

        public Task ApplyAsync(CancellationToken cancellationToken)
        {
            Applies++;
            return Task.CompletedTask;
        }

        public Task<CheckResult> ReadBackAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the keeper never reads back");
    }
}
