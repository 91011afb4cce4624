namespace Border.Routing.Health;

/// <summary>How many probe results in a row change a check's state.</summary>
/// <param name="Rise">Consecutive passes that bring a check up.</param>
/// <param name="Fall">Consecutive failures that bring an up check down.</param>
public sealed record HealthThresholds(int Rise, int Fall);

/// <summary>Hold-down before a service that flapped is trusted again.</summary>
/// <param name="HoldDown">The hold-down after the second flap; it doubles with each further flap.</param>
/// <param name="MaxHoldDown">The ceiling of the hold-down, and how long a service must stay up for its flaps to be forgotten.</param>
public sealed record DampingOptions(TimeSpan HoldDown, TimeSpan MaxHoldDown);
