using Border.App.Configuration;
using Border.App.Supervision;
using Border.Routing.Health;
using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.App.Supervision;

public sealed class ProbeRunnerTests
{
    private static readonly ProbeSchedule Schedule = new(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), 3, 2);
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));

    [Fact]
    public async Task ProbeOnce_NoAnswerWithinTheTimeout_IsAFailureNamingTheTimeout()
    {
        var runner = new ProbeRunner(new StubProbe(cancellationToken => Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith<CheckResult>(_ => throw new OperationCanceledException(cancellationToken), TaskScheduler.Default)), Schedule, time, _ => { });

        var probing = runner.ProbeOnceAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var result = await probing;

        Assert.False(result.Healthy);
        Assert.Equal("no answer within 500 ms", result.Reason);
    }

    [Fact]
    public async Task ProbeOnce_ProbeThrows_IsAFailureNotAPass()
    {
        var runner = new ProbeRunner(new StubProbe(_ => throw new UnauthorizedAccessException("permission denied")), Schedule, time, _ => { });

        var result = await runner.ProbeOnceAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("check could not run: permission denied", result.Reason);
    }

    [Fact]
    public async Task Run_Cancelled_StopsWithoutReportingTheShutdownAsAFailure()
    {
        var reported = new List<CheckResult>();
        using var stopping = new CancellationTokenSource();
        var runner = new ProbeRunner(new StubProbe(_ => Task.FromResult(CheckResult.Pass("stub", "ok", time.GetUtcNow()))), Schedule, time, reported.Add);

        var running = runner.RunAsync(stopping.Token);
        time.Advance(TimeSpan.FromSeconds(1));
        await stopping.CancelAsync();
        await running;

        Assert.Equal(2, reported.Count);
        Assert.All(reported, result => Assert.True(result.Healthy));
    }

    [Fact]
    public async Task Run_ProbeTakesPartOfTheInterval_NextStartsOneIntervalAfterTheLastStarted()
    {
        var starts = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        using var stopping = new CancellationTokenSource();
        var slow = new StubProbe(_ =>
        {
            starts.Enqueue(time.GetUtcNow());
            time.Advance(TimeSpan.FromMilliseconds(400));
            return Task.FromResult(CheckResult.Fail("stub", "no answer", time.GetUtcNow()));
        });
        var runner = new ProbeRunner(slow, Schedule, time, _ => { });

        var running = runner.RunAsync(stopping.Token);
        time.Advance(TimeSpan.FromMilliseconds(600));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (starts.Count < 2 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Yield();
        }

        await stopping.CancelAsync();
        await running;
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1)], starts.Take(2).Select(start => start - starts.First()));
    }

    private sealed class StubProbe(Func<CancellationToken, Task<CheckResult>> body) : IProbe
    {
        public string Name => "stub";

        public Task<CheckResult> ProbeAsync(CancellationToken cancellationToken) => body(cancellationToken);
    }
}
