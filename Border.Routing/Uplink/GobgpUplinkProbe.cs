using System.Net;
using System.Net.Sockets;
using Border.Routing.Health;
using Border.Routing.Speakers;
using Border.Routing.Speakers.Gobgp;

namespace Border.Routing.Uplink;

/// <summary>The uplink as gobgpd sees it: healthy while a session to a configured upstream is Established and a
/// default route was received from it.</summary>
internal sealed class GobgpUplinkProbe : IProbe
{
    private static readonly IPNetwork Ipv4Default = IPNetwork.Parse("0.0.0.0/0");
    private static readonly IPNetwork Ipv6Default = IPNetwork.Parse("::/0");
    private readonly IGobgpClient client;
    private readonly IReadOnlyList<BgpNeighbor> neighbors;
    private readonly TimeProvider timeProvider;

    public GobgpUplinkProbe(IGobgpClient client, IReadOnlyList<BgpNeighbor> neighbors, TimeProvider timeProvider)
    {
        this.client = client;
        this.neighbors = neighbors;
        this.timeProvider = timeProvider;
    }

    public string Name => "uplink-gobgp";

    public async Task<CheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            var peers = await client.ListPeersAsync(cancellationToken).ConfigureAwait(false);
            var established = neighbors
                .Select(neighbor => peers.FirstOrDefault(peer => peer.Address.Equals(neighbor.Address)))
                .OfType<GobgpPeer>()
                .Where(peer => peer.Established)
                .Select(peer => peer.Address)
                .ToHashSet();
            if (established.Count == 0)
            {
                var states = string.Join(", ", neighbors.Select(neighbor =>
                    $"{neighbor.Address} {peers.FirstOrDefault(peer => peer.Address.Equals(neighbor.Address))?.SessionState ?? "not configured"}"));
                return Fail($"no upstream session Established ({states})", started);
            }

            var defaults = new List<IPAddress>();
            foreach (var family in (AddressFamily[])[AddressFamily.InterNetwork, AddressFamily.InterNetworkV6])
            {
                var paths = await client.ListPathsAsync(family, cancellationToken).ConfigureAwait(false);
                defaults.AddRange(paths
                    .Where(path => path.Neighbor is { } from && established.Contains(from)
                        && (path.Prefix == Ipv4Default || path.Prefix == Ipv6Default))
                    .Select(path => path.Neighbor!));
            }

            return defaults.Count == 0
                ? Fail($"session Established with {string.Join(", ", established)} but no default route received", started)
                : CheckResult.Pass(Name, $"Established, default received from {string.Join(", ", defaults.Distinct())}", timeProvider.GetUtcNow(), timeProvider.GetElapsedTime(started));
        }
        catch (SpeakerException ex)
        {
            return Fail(ex.Message, started);
        }
    }

    private CheckResult Fail(string reason, long started) =>
        CheckResult.Fail(Name, reason, timeProvider.GetUtcNow(), timeProvider.GetElapsedTime(started));
}
