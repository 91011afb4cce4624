using System.Net;
using Border.Routing.Attractions;

namespace Border.Routing.Speakers.Gobgp;

/// <summary>A unicast path as border reads and writes it in GoBGP.</summary>
/// <param name="PathIdentifier">GoBGP's path identifier; border marks its own paths with <see cref="GobgpSpeaker.OwnPathIdentifier"/>.</param>
/// <param name="Neighbor">The peer the path came from; <see langword="null"/> for a path originated locally.</param>
internal sealed record GobgpRoute(
    IPNetwork Prefix,
    BgpCommunities Communities,
    IPAddress? NextHop,
    uint PathIdentifier,
    IPAddress? Neighbor = null)
{
    public bool IsLocal => Neighbor is null;
}

/// <summary>An upstream session as GoBGP reports it.</summary>
internal sealed record GobgpPeer(IPAddress Address, uint Asn, bool Established, string SessionState);
