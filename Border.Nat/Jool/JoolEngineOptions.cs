namespace Border.Nat.Jool;

/// <summary>How border drives Jool.</summary>
public sealed record JoolEngineOptions
{
    /// <summary>Where border writes the instance file it hands to <c>jool file handle</c>.</summary>
    /// <value>Defaults to <c>/run/border/jool.json</c>.</value>
    public string InstanceFilePath { get; init; } = "/run/border/jool.json";
}
