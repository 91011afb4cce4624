using Border.Routing.Health;

namespace Border.Nat.Health;

/// <summary>What a check found, before it is stamped with its time and duration.</summary>
internal readonly record struct Finding(bool Healthy, string Reason)
{
    public static Finding Pass(string reason) => new(true, reason);

    public static Finding Fail(string reason) => new(false, reason);
}

/// <summary>Runs a check body, times it, and turns any failure except cancellation into a failing result.</summary>
/// <remarks>This is what keeps the <see cref="IProbe"/> promise: a tool that cannot run, a parse error or a socket
/// error is a failure with its reason; only the caller's cancellation escapes, so the scheduler can tell a
/// timeout from a shutdown.</remarks>
internal static class CheckRun
{
    public static async Task<CheckResult> GuardAsync(
        string check,
        TimeProvider time,
        Func<CancellationToken, Task<Finding>> body,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        Finding finding;
        try
        {
            finding = await body(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            finding = Finding.Fail(ex.Message);
        }

        return new CheckResult(check, finding.Healthy, finding.Reason, time.GetUtcNow(), time.GetElapsedTime(started));
    }

    /// <summary>A result stamped now, for events that are not timed.</summary>
    public static CheckResult Now(string check, TimeProvider time, Finding finding) =>
        new(check, finding.Healthy, finding.Reason, time.GetUtcNow(), TimeSpan.Zero);
}
