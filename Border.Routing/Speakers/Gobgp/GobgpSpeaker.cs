using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Border.Routing.Attractions;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Speakers.Gobgp;

/// <summary>Carries BGP attractions upstream through gobgpd.</summary>
/// <remarks>
/// Border's paths carry the path identifier <see cref="OwnPathIdentifier"/>. gobgpd keys local paths by prefix
/// and path identifier, so ours live beside anybody else's for the same prefix (the gobgp CLI adds with
/// identifier 0), a restarted border finds its stale paths by the identifier alone, and deleting exactly that
/// path never touches another. The identifier goes on the wire only to a peer that negotiated ADD-PATH
/// (RFC 7911), where it is a per-session number without meaning beyond the session; to an ordinary upstream
/// nothing of it leaves the gateway. Paths added in this run are withdrawn by the uuid gobgpd returned.
/// </remarks>
internal sealed partial class GobgpSpeaker : IRouteSpeaker
{
    /// <summary>"bord" in ASCII: the path identifier that marks border's paths.</summary>
    public const uint OwnPathIdentifier = 0x626F7264;

    private static readonly AddressFamily[] Families = [AddressFamily.InterNetwork, AddressFamily.InterNetworkV6];
    private readonly IGobgpClient client;
    private readonly ILogger logger;
    private readonly ConcurrentDictionary<IPNetwork, ByteString> uuids = new();

    public GobgpSpeaker(IGobgpClient client, ILogger<GobgpSpeaker> logger)
    {
        this.client = client;
        this.logger = logger;
    }

    public string Name => "gobgp";

    public bool Carries(Attraction attraction) => attraction.Protocol == RoutingProtocol.Bgp;

    public async Task<IReadOnlySet<Attraction>> GetHeldAsync(CancellationToken cancellationToken)
    {
        var held = new HashSet<Attraction>();
        foreach (var family in Families)
        {
            foreach (var route in await client.ListPathsAsync(family, cancellationToken).ConfigureAwait(false))
            {
                if (IsOwn(route))
                {
                    held.Add(new Attraction(route.Prefix, new BgpAttributes(route.Communities, NullIfSelf(route.NextHop))));
                }
            }
        }

        return held;
    }

    public async Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        var attributes = (BgpAttributes)attraction.Attributes;
        var route = new GobgpRoute(attraction.Prefix, attributes.Communities, attributes.NextHop, OwnPathIdentifier);

        // Adding a local path with the same prefix and identifier replaces ours in gobgpd (implicit withdraw).
        var uuid = await client.AddPathAsync(route, cancellationToken).ConfigureAwait(false);
        uuids[attraction.Prefix] = uuid;
        LogAdded(attraction.Prefix.ToString(), attributes.ToString(), Convert.ToHexString(uuid.Span));
    }

    public async Task WithdrawAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        if (uuids.TryRemove(attraction.Prefix, out var uuid)
            && await client.DeletePathAsync(uuid, cancellationToken).ConfigureAwait(false))
        {
            LogDeleted(attraction.Prefix.ToString(), Convert.ToHexString(uuid.Span));
            return;
        }

        // Added by an earlier run of border (or gobgpd forgot the uuid): delete exactly our marked path.
        var attributes = (BgpAttributes)attraction.Attributes;
        await client.DeletePathAsync(
            new GobgpRoute(attraction.Prefix, attributes.Communities, attributes.NextHop, OwnPathIdentifier),
            cancellationToken).ConfigureAwait(false);
        LogStaleDeleted(attraction.Prefix.ToString());
    }

    private static bool IsOwn(GobgpRoute route) => route.IsLocal && route.PathIdentifier == OwnPathIdentifier;

    // gobgpd reports the next hop it was given; an unspecified one is how "self" was asked for.
    private static IPAddress? NullIfSelf(IPAddress? nextHop) =>
        nextHop is null || nextHop.Equals(IPAddress.Any) || nextHop.Equals(IPAddress.IPv6Any) ? null : nextHop;
}
