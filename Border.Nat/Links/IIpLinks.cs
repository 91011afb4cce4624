using System.Net;

namespace Border.Nat.Links;

/// <summary>The iproute2 operations border needs on links, addresses and routes it owns.</summary>
internal interface IIpLinks
{
    /// <summary>Whether the link is administratively and operationally usable, or <see langword="null"/> when it does not exist.</summary>
    Task<LinkState?> GetLinkAsync(string device, CancellationToken cancellationToken);

    /// <summary>Creates a dummy link; on kernels without the dummy driver, a persistent tun nobody attaches to,
    /// which holds local addresses just as well. Returns the kind created (<c>dummy</c> or <c>tun</c>).</summary>
    Task<string> AddLocalLinkAsync(string device, CancellationToken cancellationToken);

    Task DeleteLinkAsync(string device, CancellationToken cancellationToken);

    Task SetUpAsync(string device, CancellationToken cancellationToken);

    /// <summary>Routes <paramref name="destination"/> to <paramref name="device"/>, replacing any route to it.</summary>
    Task ReplaceRouteAsync(IPNetwork destination, string device, CancellationToken cancellationToken);

    /// <summary>The addresses on <paramref name="device"/>, link-local ones excluded.</summary>
    Task<IReadOnlyList<IPNetwork>> GetAddressesAsync(string device, CancellationToken cancellationToken);

    Task ReplaceAddressAsync(string device, IPNetwork address, CancellationToken cancellationToken);

    Task DeleteAddressAsync(string device, IPNetwork address, CancellationToken cancellationToken);
}

/// <summary>A link's state: <paramref name="AdminUp"/> is the UP flag, <paramref name="OperState"/> the kernel's word (UP, DOWN, UNKNOWN).</summary>
internal sealed record LinkState(string Device, bool AdminUp, string OperState)
{
    /// <summary>Up and not reported down; tun and dummy links report UNKNOWN when working.</summary>
    public bool Usable => AdminUp && OperState != "DOWN" && OperState != "LOWERLAYERDOWN";
}
