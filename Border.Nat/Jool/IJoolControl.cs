using System.Net;

namespace Border.Nat.Jool;

/// <summary>The jool-tools operations border needs, and loading Jool's kernel module.</summary>
internal interface IJoolControl
{
    /// <summary>Loads Jool's NAT64 kernel module and what it needs (<c>modprobe jool</c>); a no-op when it is loaded.</summary>
    /// <exception cref="Border.Routing.Processes.CommandFailedException">modprobe could not run or refused; its stderr is in the message.</exception>
    Task LoadModuleAsync(CancellationToken cancellationToken);

    /// <summary>Creates or updates the instance the file describes, atomically (<c>jool file handle</c>).</summary>
    /// <exception cref="JoolModuleMissingException">The kernel module is not loaded.</exception>
    Task HandleFileAsync(string path, CancellationToken cancellationToken);

    /// <summary>Removes the instance (<c>jool instance remove</c>).</summary>
    Task RemoveInstanceAsync(string instance, CancellationToken cancellationToken);

    /// <summary>The instance as the kernel holds it, or <see langword="null"/> when there is none of that name.</summary>
    /// <exception cref="JoolModuleMissingException">The kernel module is not loaded.</exception>
    Task<JoolInstanceState?> ReadInstanceAsync(string instance, CancellationToken cancellationToken);
}

/// <summary>A live instance: its framework, pool6, and pool4 as Jool lists it, one row per address and protocol.</summary>
internal sealed record JoolInstanceState(string Name, string Framework, IPNetwork? Pool6, IReadOnlyList<Pool4Row> Pool4);

/// <summary>One pool4 row: a protocol (TCP, UDP, ICMP), one address, and its port (or ICMP id) range.</summary>
internal sealed record Pool4Row(string Protocol, IPAddress Address, PortRange Ports)
{
    public override string ToString() => $"{Protocol} {Address} {Ports}";
}

/// <summary>jool answers that its generic netlink family does not exist: the kernel module is not loaded.</summary>
internal sealed class JoolModuleMissingException(string detail)
    : Exception($"jool kernel module not loaded ({detail})");
