using System.Net;
using Border.Nat.Jool;
using Border.Nat.Tayga;
using Border.Nat.Unbound;
using Border.Routing;

namespace Border.App.Configuration;

/// <summary>One gateway's whole configuration, read from its file and validated. A disabled service is <see langword="null"/>.</summary>
internal sealed record GatewayConfig
{
    /// <summary>The gateway's name, as logs and status show it.</summary>
    public required string Name { get; init; }

    public required SiteConfig Site { get; init; }

    public Nat44Config? Nat44 { get; init; }

    public Nat66Config? Nat66 { get; init; }

    public Nat64Config? Nat64 { get; init; }

    public Dns64Config? Dns64 { get; init; }

    public required RoutingOptions Routing { get; init; }

    public required HealthConfig Health { get; init; }

    public required DaemonConfig Daemon { get; init; }
}

/// <summary>The site behind the gateway and the gateway's interfaces.</summary>
internal sealed record SiteConfig(
    ValueList<IPNetwork> InsideIpv4,
    ValueList<IPNetwork> InsideIpv6,
    string InsideInterface,
    string UplinkInterface,
    string AnycastInterface);

internal sealed record Nat44Config(IPNetwork Pool);

internal sealed record Nat66Config(IPNetwork Pool);

internal enum Nat64EngineKind
{
    Jool,
    Tayga,
}

/// <summary>NAT64: the prefix, the IPv4 pool it translates to, and the engine with its own settings.</summary>
internal sealed record Nat64Config(IPNetwork Prefix, IPNetwork Pool4, Nat64EngineKind Engine, JoolOptions? Jool, TaygaOptions? Tayga);

/// <summary>The DNS64 resolver.</summary>
internal sealed record Dns64Config(
    IPNetwork AnycastIpv4,
    IPNetwork AnycastIpv6,
    IPNetwork Prefix,
    bool SynthesizeAll,
    ValueList<UnboundZone> Zones,
    UnboundRunConfig Unbound);

/// <summary>How the gateway's Unbound runs: the system's service (<see cref="Child"/> false) or border's own child.
/// A path left out is <see langword="null"/>: the service's Debian default, or a file under the state directory
/// for the child.</summary>
internal sealed record UnboundRunConfig(bool Child, string? ConfigPath, string? SnippetPath, ValueList<string>? StartCommand, string? ControlSocket)
{
    public static UnboundRunConfig Service { get; } = new(false, null, null, null, null);
}

/// <summary>How often and how strictly each service is checked.</summary>
internal sealed record ProbeSchedule(TimeSpan Interval, TimeSpan Timeout, int Rise, int Fall)
{
    /// <summary>The schedule a service gets when the file says nothing: every second, 500 ms to answer,
    /// three passes to come up, two failures to go down.</summary>
    public static ProbeSchedule Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500), 3, 2);
}

/// <summary>Hold-down before re-announcing after a service went down: doubles per flap up to the ceiling.</summary>
internal sealed record DampingConfig(TimeSpan HoldDown, TimeSpan MaxHoldDown)
{
    public static DampingConfig Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(2));
}

/// <summary>Health checking: a schedule per service and for the uplink, probe targets, damping.</summary>
internal sealed record HealthConfig(
    IReadOnlyDictionary<string, ProbeSchedule> Schedules,
    IPAddress? Nat64ProbeTarget,
    string? Dns64ProbeName,
    DampingConfig Damping);

/// <summary>Where the daemon keeps its state and listens, and what it does when stopped.</summary>
/// <param name="ControlGroup">The group whose members may use the control socket besides root.</param>
internal sealed record DaemonConfig(string StateDirectory, string ControlSocket, string ControlGroup, string? MetricsListen, bool WithdrawOnStop)
{
    public static DaemonConfig Default { get; } = new("/var/lib/border", "/run/border/control.sock", "border", "127.0.0.1:9464", true);
}
