namespace Border.Routing.Policy;

/// <summary>What the policy knows of one service at one moment.</summary>
/// <param name="Healthy">Its checks have passed (rise count, damping) and none has failed since.</param>
/// <param name="HealthReason">Why it is or is not healthy, as the checks said.</param>
/// <param name="Drain">The operator's drain, when there is one.</param>
public sealed record ServiceCondition(bool Healthy, string HealthReason, Drain? Drain = null);

/// <summary>An operator's request to stop attracting a service's traffic.</summary>
/// <param name="By">Who asked (the user behind the control socket).</param>
/// <param name="At">When.</param>
/// <param name="Reason">Why, in the operator's words.</param>
public sealed record Drain(string By, DateTimeOffset At, string? Reason);

/// <summary>The upstream: sessions Established and a default received.</summary>
public sealed record UplinkCondition(bool Healthy, string Reason);
