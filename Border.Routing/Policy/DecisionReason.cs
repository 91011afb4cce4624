namespace Border.Routing.Policy;

/// <summary>Why an attraction is announced or withdrawn; logged, shown in status and counted in metrics.</summary>
public enum DecisionReason
{
    /// <summary>Announced: at least one service holding it is in service.</summary>
    InService,

    /// <summary>Withdrawn: the uplink is down, so no service can serve.</summary>
    UplinkDown,

    /// <summary>Withdrawn: every service holding it is drained.</summary>
    Drained,

    /// <summary>Withdrawn: a service holding it is unhealthy, and the others are unhealthy or drained.</summary>
    ServiceDown,
}

/// <summary>Reason codes as they appear in logs, status and metric labels.</summary>
public static class DecisionReasonNames
{
    /// <summary>The kebab-case code (<c>uplink-down</c>).</summary>
    public static string Code(this DecisionReason reason) => reason switch
    {
        DecisionReason.InService => "in-service",
        DecisionReason.UplinkDown => "uplink-down",
        DecisionReason.Drained => "drained",
        DecisionReason.ServiceDown => "service-down",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, "unknown reason"),
    };
}
