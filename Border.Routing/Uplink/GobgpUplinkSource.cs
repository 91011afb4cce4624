using System.Net;
using System.Net.Sockets;
using Border.Routing.Speakers.Gobgp;

namespace Border.Routing.Uplink;

/// <summary>The upstream sessions as gobgpd reports them: peer states, and the defaults in its global table.</summary>
internal sealed class GobgpUplinkSource(IGobgpClient client) : IUplinkStateSource
{
    public string Name => "gobgp";

    public async Task<UplinkState> ReadAsync(CancellationToken cancellationToken)
    {
        var peers = await client.ListPeersAsync(cancellationToken).ConfigureAwait(false);
        var defaults = new HashSet<IPAddress>();
        foreach (var family in (AddressFamily[])[AddressFamily.InterNetwork, AddressFamily.InterNetworkV6])
        {
            var paths = await client.ListPathsAsync(family, cancellationToken).ConfigureAwait(false);
            defaults.UnionWith(paths
                .Where(path => path.Prefix.PrefixLength == 0)
                .Select(path => path.Neighbor)
                .OfType<IPAddress>());
        }

        return new UplinkState(
            peers.ToDictionary(peer => peer.Address, peer => peer.Established ? "Established" : peer.SessionState),
            defaults);
    }
}
