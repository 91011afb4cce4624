using System.Net;
using Border.Nat.Links;
using Microsoft.Extensions.Logging;

namespace Border.Nat.Anycast;

/// <summary>Keeps the resolver's anycast addresses, and only those, on a local interface border owns.</summary>
/// <remarks>Apply is level-triggered: it reads what the interface holds, adds what is missing and removes what is
/// not wanted, so repeating it changes nothing. It adds no route of its own: a kernel route here would share the OSPF
/// speaker's kernel source with the NAT64 prefix's route to Tayga, and two attractions on one source cannot be
/// withdrawn one at a time without FRR's 5 s prefix-list delay. Where the interface is a dummy, zebra redistributes
/// the connected address; where the kernel has no dummy driver the interface is a tun without carrier, zebra holds no
/// active route for the address, and the speaker gives it a blackhole route through staticd instead (local delivery
/// still goes by the local table). Removing deletes the interface with every address on it.</remarks>
internal sealed partial class AnycastAddresses(AnycastOptions options, IIpLinks links, ILogger<AnycastAddresses> logger)
{
    public async Task ApplyAsync(IReadOnlyList<IPAddress> addresses, CancellationToken cancellationToken)
    {
        var device = options.Interface;
        if (await links.GetLinkAsync(device, cancellationToken).ConfigureAwait(false) is null)
        {
            var kind = await links.AddLocalLinkAsync(device, cancellationToken).ConfigureAwait(false);
            LogCreated(device, kind);
        }

        await links.SetUpAsync(device, cancellationToken).ConfigureAwait(false);
        var wanted = addresses.Select(Host).ToList();
        var present = await links.GetAddressesAsync(device, cancellationToken).ConfigureAwait(false);
        foreach (var address in wanted.Except(present))
        {
            await links.ReplaceAddressAsync(device, address, cancellationToken).ConfigureAwait(false);
            LogAdded(address.ToString(), device);
        }

        foreach (var address in present.Except(wanted))
        {
            await links.DeleteAddressAsync(device, address, cancellationToken).ConfigureAwait(false);
            LogRemoved(address.ToString(), device);
        }
    }

    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        if (await links.GetLinkAsync(options.Interface, cancellationToken).ConfigureAwait(false) is not null)
        {
            await links.DeleteLinkAsync(options.Interface, cancellationToken).ConfigureAwait(false);
            LogRemoved("every address", options.Interface);
        }
    }

    /// <summary>The addresses on the interface now.</summary>
    public async Task<IReadOnlyList<IPNetwork>> ReadAsync(CancellationToken cancellationToken) =>
        await links.GetLinkAsync(options.Interface, cancellationToken).ConfigureAwait(false) is null
            ? []
            : await links.GetAddressesAsync(options.Interface, cancellationToken).ConfigureAwait(false);

    private static IPNetwork Host(IPAddress address) =>
        new(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
}
