using System.Collections.Concurrent;
using System.Threading.Channels;
using Border.App.Supervision;
using Border.Nat;
using Border.Nat.Health;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Processes;
using Border.Tests.Nat.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.App.Supervision;

public sealed class EngineApplierTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private readonly TimerWatchingClock time = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));
    private readonly RecordingLogger<EngineApplier> log = new();
    private readonly Channel<CheckReport> reports = Channel.CreateUnbounded<CheckReport>();

    [Fact]
    public async Task Run_ApplyFailsTwice_ServiceDownWithTheErrorAndRetriedUntilItSucceeds()
    {
        var engine = new FailingEngine(time, failures: 2);
        var applier = new EngineApplier(engine, [Service.Nat64], report => reports.Writer.TryWrite(report), time, log);

        var run = applier.RunAsync(TestContext.Current.CancellationToken);

        await engine.NextAttemptAsync();
        var first = await NextReportAsync();
        Assert.Equal(new CheckResult("fake apply", false, "tun nat64: Operation not permitted (attempt 1)", first.Result.At, TimeSpan.Zero), first.Result);
        Assert.True(first.IsEvent);
        Assert.Equal([Service.Nat64], first.Services);
        await RetriedAfterAsync(engine, TimeSpan.FromSeconds(1));
        Assert.Equal("tun nat64: Operation not permitted (attempt 2)", (await NextReportAsync()).Result.Reason);
        await RetriedAfterAsync(engine, TimeSpan.FromSeconds(2));
        await run.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(3, engine.Attempts);
        var cleared = await NextReportAsync();
        Assert.Equal(new CheckResult("fake apply", true, "applied at attempt 3", cleared.Result.At, TimeSpan.Zero), cleared.Result);
        Assert.True(cleared.IsEvent);
        Assert.Equal(
            [
                "fake could not be applied (attempt 1); its services stay down, next try in 1 s: tun nat64: Operation not permitted (attempt 1)",
                "fake could not be applied (attempt 2); its services stay down, next try in 2 s: tun nat64: Operation not permitted (attempt 2)",
                "fake applied at attempt 3; its services rise again through their probes",
            ],
            log.Entries.Select(entry => entry.Message));
    }

    [Fact]
    public async Task Run_AppliesAtOnce_ReportsNothing()
    {
        var engine = new FailingEngine(time, failures: 0);

        await new EngineApplier(engine, [Service.Nat44], report => reports.Writer.TryWrite(report), time, log).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, engine.Attempts);
        Assert.False(reports.Reader.TryRead(out _));
        Assert.Empty(log.Entries);
        Assert.Equal(0, time.TimersArmed);
    }

    [Fact]
    public async Task Run_KeepsFailing_EachWaitOnTheClockDoublesUpToTheCeiling()
    {
        TimeSpan[] backoff = [.. new[] { 1, 2, 4, 8, 16, 32, 60, 60, 60 }.Select(seconds => TimeSpan.FromSeconds(seconds))];
        // A bounded number of failures, so that an applier that does not wait at all ends instead of spinning.
        var engine = new FailingEngine(time, failures: backoff.Length);
        var run = new EngineApplier(engine, [Service.Nat64], report => reports.Writer.TryWrite(report), time, log).RunAsync(TestContext.Current.CancellationToken);
        await engine.NextAttemptAsync();

        foreach (var delay in backoff)
        {
            await RetriedAfterAsync(engine, delay);
        }

        await run.WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Equal(backoff, engine.AttemptedAt.Zip(engine.AttemptedAt.Skip(1), (earlier, later) => later - earlier));
        Assert.Equal(backoff.Length + 1, engine.Attempts);
    }

    [Fact]
    public async Task Run_StoppedWhileWaitingToRetry_EndsWithoutAnotherAttempt()
    {
        var engine = new FailingEngine(time, failures: 2);
        using var stop = new CancellationTokenSource();
        var run = new EngineApplier(engine, [Service.Nat64], report => reports.Writer.TryWrite(report), time, log).RunAsync(stop.Token);
        await engine.NextAttemptAsync();
        var retry = await time.NextTimerAsync();

        await stop.CancelAsync();
        await run.WaitAsync(Wait, TestContext.Current.CancellationToken);
        time.Advance(EngineApplier.MaxDelay);

        Assert.False(retry.Fired);
        Assert.Equal(1, engine.Attempts);
    }

    /// <summary>Measures one retry's wait on the clock: the wait is armed after the failed attempt, the clock at one
    /// tick short of <paramref name="delay"/> brings no retry, and the clock at <paramref name="delay"/> does.</summary>
    private async Task RetriedAfterAsync(FailingEngine engine, TimeSpan delay)
    {
        var attempts = engine.Attempts;
        var wait = await time.NextTimerAsync();

        time.Advance(delay - Tick);
        Assert.False(wait.Fired, $"attempt {attempts + 1} came before {delay.TotalSeconds} s");
        Assert.Equal(attempts, engine.Attempts);

        time.Advance(Tick);
        Assert.True(wait.Fired, $"attempt {attempts + 1} was still waiting after {delay.TotalSeconds} s");
        await engine.NextAttemptAsync();
    }

    private Task<CheckReport> NextReportAsync() => ReadWithinWaitAsync(reports.Reader, () => "no report");

    /// <summary>The next item, or a failure that says what did not come.</summary>
    private static async Task<T> ReadWithinWaitAsync<T>(ChannelReader<T> reader, Func<string> missing)
    {
        try
        {
            return await reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"{missing()} within {Wait.TotalSeconds} s");
        }
    }

    /// <summary>A fake clock that tells when a timer is armed (Polly's retry waits are timers on it) and whether it has
    /// fired; <see cref="FakeTimeProvider.Advance"/> fires due timers before it returns.</summary>
    private sealed class TimerWatchingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly Channel<ArmedTimer> armed = Channel.CreateUnbounded<ArmedTimer>();
        private int timersArmed;

        public int TimersArmed => Volatile.Read(ref timersArmed);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ArmedTimer();
            var inner = base.CreateTimer(
                callbackState =>
                {
                    timer.Fire();
                    callback(callbackState);
                },
                state,
                dueTime,
                period);
            Interlocked.Increment(ref timersArmed);
            armed.Writer.TryWrite(timer);
            return inner;
        }

        /// <summary>The next timer armed; fails the test when none is armed in time (a retry without any wait).</summary>
        public Task<ArmedTimer> NextTimerAsync() => ReadWithinWaitAsync(armed.Reader, () => $"no wait armed after {TimersArmed}");
    }

    private sealed class ArmedTimer
    {
        private int fired;

        public bool Fired => Volatile.Read(ref fired) == 1;

        public void Fire() => Volatile.Write(ref fired, 1);
    }

    /// <summary>An engine whose apply fails a given number of times, then succeeds, noting the clock at each attempt;
    /// everything else fails loudly.</summary>
    private sealed class FailingEngine(TimeProvider clock, int failures) : INatEngine
    {
        private readonly Channel<int> attempted = Channel.CreateUnbounded<int>();
        private readonly ConcurrentQueue<DateTimeOffset> attemptedAt = new();
        private int attempts;

        public int Attempts => Volatile.Read(ref attempts);

        /// <summary>The clock's time at each attempt, in order.</summary>
        public IReadOnlyList<DateTimeOffset> AttemptedAt => [.. attemptedAt];

        public string Name => "fake";

        public ChannelReader<CheckResult> Events => throw new InvalidOperationException("the applier never reads events");

        public IReadOnlyList<RecordedProbe> Probes => throw new InvalidOperationException("the applier never runs probes");

        /// <summary>Waits, bounded and without moving the clock, for the next attempt.</summary>
        public Task NextAttemptAsync() => ReadWithinWaitAsync(attempted.Reader, () => $"no attempt after attempt {Attempts}");

        public Task ApplyAsync(CancellationToken cancellationToken)
        {
            attemptedAt.Enqueue(clock.GetUtcNow());
            var attempt = Interlocked.Increment(ref attempts);
            attempted.Writer.TryWrite(attempt);
            return attempt <= failures
                ? Task.FromException(new CommandFailedException($"tun nat64: Operation not permitted (attempt {attempt})"))
                : Task.CompletedTask;
        }

        public Task<CheckResult> ReadBackAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the applier never reads back");
    }
}
