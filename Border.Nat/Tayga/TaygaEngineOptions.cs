namespace Border.Nat.Tayga;

/// <summary>How border runs Tayga: where its config goes and how a dead Tayga is restarted.</summary>
public sealed record TaygaEngineOptions
{
    /// <summary>Where border writes <c>tayga.conf</c>.</summary>
    /// <value>Defaults to <c>/run/border/tayga.conf</c>.</value>
    public string ConfigPath { get; init; } = "/run/border/tayga.conf";

    /// <summary>The wait before the first restart after Tayga exits; each further consecutive exit doubles it.</summary>
    /// <value>Defaults to 250 ms.</value>
    public TimeSpan FirstRestartDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between restarts.</summary>
    /// <value>Defaults to 30 seconds.</value>
    public TimeSpan MaxRestartDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A run at least this long counts as stable: the next exit restarts after the first delay again.</summary>
    /// <value>Defaults to 60 seconds.</value>
    public TimeSpan StableRun { get; init; } = TimeSpan.FromSeconds(60);
}
