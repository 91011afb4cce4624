using System.Threading.Channels;
using Border.App.Configuration;
using Border.App.Supervision;
using Border.Routing.Health;
using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.App.Supervision;

public sealed class ProbeRunnerTests
{
    private static readonly ProbeSchedule Schedule = new(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), 3, 2);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));
    private readonly Channel<CheckResult> reports = Channel.CreateUnbounded<CheckResult>();

    [Fact]
    public async Task Run_ProbeInFlightWhenItsTimeoutFires_ReportsAFailureNamingTheTimeout()
    {
        var probe = new HangingProbe();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var started = time.GetUtcNow();
        var running = new ProbeRunner(probe, Schedule, time, result => reports.Writer.TryWrite(result)).RunAsync(stopping.Token);
        var flight = await probe.NextFlightAsync();

        time.Advance(Schedule.Timeout - Tick);
        Assert.False(flight.Token.IsCancellationRequested, "the probe was cancelled before its timeout");
        Assert.False(reports.Reader.TryRead(out var early), $"reported before the timeout: {early}");
        time.Advance(Tick);
        Assert.True(flight.Token.IsCancellationRequested, "the probe's token was not cancelled when its timeout came on the clock");

        Assert.Equal(CheckResult.Fail("stub", "no answer within 500 ms", started + Schedule.Timeout, Schedule.Timeout), await NextReportAsync());
        Assert.True(flight.SawCancellation.Task.IsCompletedSuccessfully, "the probe did not see its own token cancelled");
        Assert.False(stopping.IsCancellationRequested);
        await stopping.CancelAsync();
        await running.WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.Equal(1, probe.Flights);
    }

    [Fact]
    public async Task Run_StoppedWhileAProbeIsInFlight_ReportsNothingAndTheProbeSeesItsTokenCancelled()
    {
        var probe = new HangingProbe();
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var running = new ProbeRunner(probe, Schedule, time, result => reports.Writer.TryWrite(result)).RunAsync(stopping.Token);
        var flight = await probe.NextFlightAsync();
        time.Advance(Schedule.Timeout / 2);

        await stopping.CancelAsync();
        await running.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.True(flight.SawCancellation.Task.IsCompletedSuccessfully, "the probe did not see its token cancelled by the shutdown");
        // Past the moment its timeout would have fired: still no result, and no further probe.
        time.Advance(Schedule.Interval);
        Assert.False(reports.Reader.TryRead(out var reported), $"the shutdown was reported as {reported}");
        Assert.Equal(1, probe.Flights);
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

    private async Task<CheckResult> NextReportAsync() =>
        await reports.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken);

    /// <summary>A probe that never answers: each run is a flight that ends only when its token is cancelled, and
    /// then the way a well-behaved probe ends, with <see cref="OperationCanceledException"/>.</summary>
    private sealed class HangingProbe : IProbe
    {
        private readonly Channel<Flight> flights = Channel.CreateUnbounded<Flight>();
        private int started;

        public string Name => "stub";

        public int Flights => Volatile.Read(ref started);

        public async Task<Flight> NextFlightAsync() =>
            await flights.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Wait, TestContext.Current.CancellationToken);

        public async Task<CheckResult> ProbeAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref started);
            var flight = new Flight(cancellationToken);
            flights.Writer.TryWrite(flight);
            try
            {
                await new TaskCompletionSource().Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                flight.SawCancellation.TrySetResult();
                throw;
            }

            throw new InvalidOperationException("a task nobody completes completed");
        }
    }

    /// <summary>One run of a <see cref="HangingProbe"/>: the token it was given and whether it saw it cancelled.</summary>
    private sealed record Flight(CancellationToken Token)
    {
        public TaskCompletionSource SawCancellation { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class StubProbe(Func<CancellationToken, Task<CheckResult>> body) : IProbe
    {
        public string Name => "stub";

        public Task<CheckResult> ProbeAsync(CancellationToken cancellationToken) => body(cancellationToken);
    }
}
