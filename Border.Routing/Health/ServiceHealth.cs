namespace Border.Routing.Health;

/// <summary>Where a service stands, as the announcement policy sees it.</summary>
public enum HealthState
{
    /// <summary>Started, and not every check has passed its rise count yet.</summary>
    Starting,

    /// <summary>Every check passes.</summary>
    Up,

    /// <summary>A check failed: an event, or a probe that reached its fall count.</summary>
    Down,

    /// <summary>Every check passes again, but the service flapped and waits out its hold-down.</summary>
    HeldDown,
}

/// <summary>A service's health at one moment, with the reason and the last result of each check.</summary>
public sealed record ServiceHealth(HealthState State, string Reason, DateTimeOffset? HeldUntil, IReadOnlyList<CheckResult> LastResults)
{
    /// <summary>Whether the service may attract traffic (drains and the uplink aside).</summary>
    public bool Healthy => State == HealthState.Up;
}
