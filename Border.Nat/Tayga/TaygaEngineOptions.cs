using Border.Nat.Processes;

namespace Border.Nat.Tayga;

/// <summary>How border runs Tayga: where its config goes and how a dead Tayga is restarted.</summary>
public sealed record TaygaEngineOptions
{
    /// <summary>Where border writes <c>tayga.conf</c>.</summary>
    /// <value>Defaults to <c>/run/border/tayga.conf</c>.</value>
    public string ConfigPath { get; init; } = "/run/border/tayga.conf";

    /// <summary>How a dead Tayga is started again.</summary>
    /// <value>Defaults to <see cref="ChildRestartOptions"/>' defaults.</value>
    public ChildRestartOptions Restart { get; init; } = new();

    /// <summary>An IPv4 address the NAT64 data-plane probe pings through the prefix; none means no such probe.</summary>
    /// <value>Defaults to none: the target must be a host the operator knows answers ICMP.</value>
    public System.Net.IPAddress? ProbeTarget { get; init; }

    /// <summary>How long the data-plane probe waits for the echo reply.</summary>
    /// <value>Defaults to 2 seconds.</value>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);
}
