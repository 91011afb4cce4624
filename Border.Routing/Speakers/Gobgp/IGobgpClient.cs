using System.Net.Sockets;
using Google.Protobuf;

namespace Border.Routing.Speakers.Gobgp;

/// <summary>The calls border makes on gobgpd's API.</summary>
/// <remarks>There is deliberately no way to send a DeletePath without a uuid or a path: gobgpd reads that as
/// "delete every locally originated path of the family", which would take other people's routes with ours.</remarks>
internal interface IGobgpClient
{
    /// <summary>Adds a locally originated path; returns the uuid gobgpd gave it.</summary>
    Task<ByteString> AddPathAsync(GobgpRoute route, CancellationToken cancellationToken);

    /// <summary>Deletes the path gobgpd gave <paramref name="uuid"/> to; false when gobgpd no longer knows it.</summary>
    Task<bool> DeletePathAsync(ByteString uuid, CancellationToken cancellationToken);

    /// <summary>Deletes exactly the local path with this prefix and path identifier.</summary>
    Task DeletePathAsync(GobgpRoute route, CancellationToken cancellationToken);

    /// <summary>Every path in the global table for one address family, local and received.</summary>
    Task<IReadOnlyList<GobgpRoute>> ListPathsAsync(AddressFamily family, CancellationToken cancellationToken);

    /// <summary>Every configured peer and its session state.</summary>
    Task<IReadOnlyList<GobgpPeer>> ListPeersAsync(CancellationToken cancellationToken);
}
