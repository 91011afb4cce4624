namespace Border.Routing.Health;

/// <summary>What one check found: healthy or not, and why, in words an operator can act on.</summary>
/// <param name="Check">The check's name, stable across runs (<c>tayga-process</c>, <c>dns64-query 198.51.100.53</c>).</param>
/// <param name="Reason">Why it passed or failed (<c>tayga exited (code 137)</c>).</param>
/// <param name="At">When the check finished.</param>
/// <param name="Duration">How long it took; probe latency.</param>
public sealed record CheckResult(string Check, bool Healthy, string Reason, DateTimeOffset At, TimeSpan Duration)
{
    /// <summary>A passing result.</summary>
    public static CheckResult Pass(string check, string reason, DateTimeOffset at, TimeSpan duration = default) =>
        new(check, true, reason, at, duration);

    /// <summary>A failing result.</summary>
    public static CheckResult Fail(string check, string reason, DateTimeOffset at, TimeSpan duration = default) =>
        new(check, false, reason, at, duration);
}
