using System.Globalization;
using Border.App.Configuration;
using Border.Routing.Health;

namespace Border.App.Supervision;

/// <summary>Runs one probe on its schedule, each run under its own timeout, and hands every result on.</summary>
/// <remarks>A timeout is a failing result; a shutdown is not a result at all. A probe that throws anyway
/// (it should not) is a failure with the exception's words, so a broken check never counts as a pass.</remarks>
internal sealed class ProbeRunner(IProbe probe, ProbeSchedule schedule, TimeProvider time, Action<CheckResult> report)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // The interval is start to start: a probe that hangs until its timeout must not stretch the time a
                // fault takes to reach the fall count.
                var started = time.GetTimestamp();
                report(await ProbeOnceAsync(cancellationToken));
                var rest = schedule.Interval - time.GetElapsedTime(started);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, time, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown: the last result stands.
        }
    }

    internal async Task<CheckResult> ProbeOnceAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(schedule.Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await probe.ProbeAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Fail(probe.Name, string.Create(CultureInfo.InvariantCulture, $"no answer within {schedule.Timeout.TotalMilliseconds:0} ms"), time.GetUtcNow(), time.GetElapsedTime(started));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return CheckResult.Fail(probe.Name, $"check could not run: {ex.Message}", time.GetUtcNow(), time.GetElapsedTime(started));
        }
    }
}
