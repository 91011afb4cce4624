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
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));
    private readonly RecordingLogger<EngineApplier> log = new();
    private readonly Channel<CheckReport> reports = Channel.CreateUnbounded<CheckReport>();

    [Fact]
    public async Task Run_ApplyFailsTwice_ServiceDownWithTheErrorAndRetriedUntilItSucceeds()
    {
        var engine = new FailingEngine(failures: 2);
        var applier = new EngineApplier(engine, [Service.Nat64], report => reports.Writer.TryWrite(report), time, log);

        var run = applier.RunAsync(TestContext.Current.CancellationToken);

        await engine.NextAttemptAsync(time);
        var first = await NextReportAsync();
        Assert.Equal(new CheckResult("fake apply", false, "tun nat64: Operation not permitted (attempt 1)", first.Result.At, TimeSpan.Zero), first.Result);
        Assert.True(first.IsEvent);
        Assert.Equal([Service.Nat64], first.Services);
        await engine.NextAttemptAsync(time);
        Assert.Equal("tun nat64: Operation not permitted (attempt 2)", (await NextReportAsync()).Result.Reason);
        await engine.NextAttemptAsync(time);
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
        var engine = new FailingEngine(failures: 0);

        await new EngineApplier(engine, [Service.Nat44], report => reports.Writer.TryWrite(report), time, log).RunAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, engine.Attempts);
        Assert.False(reports.Reader.TryRead(out _));
        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task Run_KeepsFailing_BackoffDoublesUpToTheCeiling()
    {
        var engine = new FailingEngine(failures: int.MaxValue);
        using var stop = new CancellationTokenSource();
        var run = new EngineApplier(engine, [Service.Nat64], report => reports.Writer.TryWrite(report), time, log).RunAsync(stop.Token);

        for (var attempt = 1; attempt <= 9; attempt++)
        {
            await engine.NextAttemptAsync(time);
            await NextReportAsync();
        }

        await stop.CancelAsync();
        await run.WaitAsync(Wait, TestContext.Current.CancellationToken);

        var delays = log.Entries.Select(entry => entry.Message.Split("next try in ")[1].Split(' ')[0]);
        Assert.Equal(["1", "2", "4", "8", "16", "32", "60", "60", "60"], delays);
    }

    [Fact]
    public async Task Run_StoppedWhileWaitingToRetry_EndsWithoutAnotherAttempt()
    {
        var engine = new FailingEngine(failures: int.MaxValue);
        using var stop = new CancellationTokenSource();
        var run = new EngineApplier(engine, [Service.Nat64], report => reports.Writer.TryWrite(report), time, log).RunAsync(stop.Token);
        await engine.NextAttemptAsync(time);
        await NextReportAsync();

        await stop.CancelAsync();
        await run.WaitAsync(Wait, TestContext.Current.CancellationToken);
        time.Advance(EngineApplier.MaxDelay);

        Assert.Equal(1, engine.Attempts);
    }

    private async Task<CheckReport> NextReportAsync() =>
        await reports.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken);

    /// <summary>An engine whose apply fails a given number of times, then succeeds; everything else fails loudly.</summary>
    private sealed class FailingEngine(int failures) : INatEngine
    {
        private int attempts;

        public int Attempts => Volatile.Read(ref attempts);

        public Channel<int> Attempted { get; } = Channel.CreateUnbounded<int>();

        public string Name => "fake";

        public ChannelReader<CheckResult> Events => throw new InvalidOperationException("the applier never reads events");

        public IReadOnlyList<RecordedProbe> Probes => throw new InvalidOperationException("the applier never runs probes");

        /// <summary>Moves the clock on past the longest backoff until the next attempt is made; bounded.</summary>
        public async Task NextAttemptAsync(FakeTimeProvider clock)
        {
            for (var round = 0; round < 200; round++)
            {
                if (Attempted.Reader.TryRead(out _))
                {
                    return;
                }

                using var pause = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
                pause.CancelAfter(TimeSpan.FromMilliseconds(25));
                try
                {
                    await Attempted.Reader.ReadAsync(pause.Token);
                    return;
                }
                catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    // The retry's timer may not be set yet: move the clock again.
                    clock.Advance(EngineApplier.MaxDelay);
                }
            }

            Assert.Fail($"no attempt after {Attempts}");
        }

        public Task ApplyAsync(CancellationToken cancellationToken)
        {
            var attempt = Interlocked.Increment(ref attempts);
            Attempted.Writer.TryWrite(attempt);
            return attempt <= failures
                ? Task.FromException(new CommandFailedException($"tun nat64: Operation not permitted (attempt {attempt})"))
                : Task.CompletedTask;
        }

        public Task<CheckResult> ReadBackAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the applier never reads back");
    }
}
