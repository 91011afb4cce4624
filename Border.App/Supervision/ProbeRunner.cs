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
                report(await ProbeOnceAsync(cancellationToken));
                await Task.Delay(schedule.Interval, time, cancellationToken);
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
