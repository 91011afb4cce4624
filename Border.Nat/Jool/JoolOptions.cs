using System.Net;

namespace Border.Nat.Jool;

/// <summary>A stateful NAT64 instance in the Jool kernel module.</summary>
public sealed record JoolOptions
{
    /// <summary>The instance name border creates and owns.</summary>
    /// <value>Defaults to <c>border</c>.</value>
    public string Instance { get; init; } = "border";

    /// <summary>The NAT64 prefix (Jool's pool6).</summary>
    public required IPNetwork Pool6 { get; init; }

    /// <summary>The IPv4 addresses Jool translates from (Jool's pool4).</summary>
    public required IPNetwork Pool4 { get; init; }

    /// <summary>Ports Jool may use for TCP.</summary>
    /// <value>Defaults to 1024-65535, leaving the well-known ports to the host.</value>
    public PortRange TcpPorts { get; init; } = new(1024, 65535);

    /// <summary>Ports Jool may use for UDP.</summary>
    /// <value>Defaults to 1024-65535.</value>
    public PortRange UdpPorts { get; init; } = new(1024, 65535);

    /// <summary>ICMP identifiers Jool may use.</summary>
    /// <value>Defaults to 0-65535.</value>
    public PortRange IcmpIds { get; init; } = new(0, 65535);

    /// <summary>The smallest MTU of the IPv6 side, used when fragmenting towards it.</summary>
    /// <value>Defaults to 1280, the IPv6 minimum.</value>
    public int LowestIpv6Mtu { get; init; } = 1280;
}
