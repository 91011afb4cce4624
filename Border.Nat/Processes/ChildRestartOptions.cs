namespace Border.Nat.Processes;

/// <summary>How a supervised child is started again after it exits.</summary>
public sealed record ChildRestartOptions
{
    /// <summary>The wait before the first restart after an exit; each further consecutive exit doubles it.</summary>
    /// <value>Defaults to 250 ms.</value>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between restarts.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A run at least this long counts as stable: the next exit restarts after the first delay again.</summary>
    /// <value>Defaults to 60 seconds.</value>
    public TimeSpan StableRun { get; init; } = TimeSpan.FromSeconds(60);
}
