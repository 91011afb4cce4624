namespace Border.Routing.Health;

/// <summary>A periodic end-to-end test. The scheduler gives it a timeout; thresholds decide what its results mean.</summary>
public interface IProbe
{
    /// <summary>The probe's stable name; results carry it as <see cref="CheckResult.Check"/>.</summary>
    string Name { get; }

    /// <summary>Gathers facts and reports them. Never throws for a failure of what it checks: that is a failing
    /// result. Throws <see cref="OperationCanceledException"/> only when <paramref name="cancellationToken"/> fires,
    /// which the scheduler uses both for its timeout (a failure) and for shutdown (not one).</summary>
    Task<CheckResult> ProbeAsync(CancellationToken cancellationToken);
}
