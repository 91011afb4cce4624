using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Border.Routing.Attractions;
using Border.Routing.Speakers.Gobgp.Api;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Border.Routing.Speakers.Gobgp;

/// <summary>gobgpd's API over gRPC, each call with a deadline, retried with backoff while gobgpd is unavailable.</summary>
internal sealed partial class GrpcGobgpClient : IGobgpClient, IDisposable
{
    private const uint OriginIgp = 0;
    private readonly GrpcChannel channel;
    private readonly GobgpApi.GobgpApiClient api;
    private readonly GobgpOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ResiliencePipeline pipeline;
    private readonly ILogger logger;

    public GrpcGobgpClient(GobgpOptions options, TimeProvider timeProvider, ILogger<GrpcGobgpClient> logger)
    {
        this.options = options;
        this.timeProvider = timeProvider;
        this.logger = logger;
        channel = GobgpChannel.Create(options.Endpoint);
        api = new GobgpApi.GobgpApiClient(channel);
        pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<RpcException>(IsTransient),
                MaxRetryAttempts = options.RetryAttempts,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = args =>
                {
                    LogRetry(args.AttemptNumber + 1, options.Endpoint, args.Outcome.Exception?.Message ?? "no error");
                    return default;
                },
            })
            .Build();
    }

    public async Task<ByteString> AddPathAsync(GobgpRoute route, CancellationToken cancellationToken)
    {
        var request = new AddPathRequest { TableType = TableType.Global, Path = ToApiPath(route) };
        var response = await CallAsync(
            "AddPath",
            async (callOptions) => await api.AddPathAsync(request, callOptions).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        return response.Uuid;
    }

    public async Task<bool> DeletePathAsync(ByteString uuid, CancellationToken cancellationToken)
    {
        if (uuid.IsEmpty)
        {
            throw new ArgumentException("an empty uuid would delete every local path of the family", nameof(uuid));
        }

        var request = new DeletePathRequest { TableType = TableType.Global, Uuid = uuid };
        try
        {
            await CallAsync(
                "DeletePath",
                async (callOptions) => await api.DeletePathAsync(request, callOptions).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SpeakerException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.Unknown })
        {
            // gobgpd answers an unknown uuid with a plain error ("can't find a specified path"): the path is
            // already gone, or somebody replaced it, and either way it is not ours to delete any more.
            return false;
        }
    }

    public async Task DeletePathAsync(GobgpRoute route, CancellationToken cancellationToken)
    {
        var path = ToApiPath(route);
        var request = new DeletePathRequest { TableType = TableType.Global, Family = path.Family, Path = path };
        await CallAsync(
            "DeletePath",
            async (callOptions) => await api.DeletePathAsync(request, callOptions).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<GobgpRoute>> ListPathsAsync(AddressFamily family, CancellationToken cancellationToken)
    {
        var request = new ListPathRequest { TableType = TableType.Global, Family = ToFamily(family) };
        return CallAsync<IReadOnlyList<GobgpRoute>>(
            "ListPath",
            async (callOptions) =>
            {
                using var call = api.ListPath(request, callOptions);
                var routes = new List<GobgpRoute>();
                await foreach (var response in call.ResponseStream.ReadAllAsync(callOptions.CancellationToken).ConfigureAwait(false))
                {
                    routes.AddRange(response.Destination.Paths.Where(path => !path.IsWithdraw).Select(FromApiPath));
                }

                return routes;
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<GobgpPeer>> ListPeersAsync(CancellationToken cancellationToken) =>
        CallAsync<IReadOnlyList<GobgpPeer>>(
            "ListPeer",
            async (callOptions) =>
            {
                using var call = api.ListPeer(new ListPeerRequest(), callOptions);
                var peers = new List<GobgpPeer>();
                await foreach (var response in call.ResponseStream.ReadAllAsync(callOptions.CancellationToken).ConfigureAwait(false))
                {
                    var state = response.Peer.State;
                    peers.Add(new GobgpPeer(
                        IPAddress.Parse(response.Peer.Conf.NeighborAddress),
                        response.Peer.Conf.PeerAsn,
                        state?.SessionState == PeerState.Types.SessionState.Established,
                        (state?.SessionState ?? PeerState.Types.SessionState.Unknown).ToString()));
                }

                return peers;
            },
            cancellationToken);

    public void Dispose() => channel.Dispose();

    private static bool IsTransient(RpcException ex) =>
        ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded;

    private async Task<T> CallAsync<T>(string method, Func<CallOptions, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(
                async token =>
                {
                    var deadline = timeProvider.GetUtcNow().UtcDateTime + options.CallTimeout;
                    return await call(new CallOptions(deadline: deadline, cancellationToken: token)).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // A shutdown is not a failure of gobgpd: callers see the same exception for it as from any dependency.
            throw new OperationCanceledException($"call to gobgpd at {options.Endpoint} cancelled", ex, cancellationToken);
        }
        catch (RpcException ex)
        {
            throw new SpeakerException($"gobgpd at {options.Endpoint}: {method} failed: {ex.Status.StatusCode}: {ex.Status.Detail}", ex);
        }
    }

    private static Family ToFamily(AddressFamily family) => new()
    {
        Afi = family == AddressFamily.InterNetworkV6 ? Family.Types.Afi.Ip6 : Family.Types.Afi.Ip,
        Safi = Family.Types.Safi.Unicast,
    };

    private static Api.Path ToApiPath(GobgpRoute route)
    {
        var family = route.Prefix.BaseAddress.AddressFamily;
        var selfNextHop = family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        var path = new Api.Path
        {
            Family = ToFamily(family),
            Identifier = route.PathIdentifier,
            Nlri = Any.Pack(new IPAddressPrefix
            {
                Prefix = route.Prefix.BaseAddress.ToString(),
                PrefixLen = (uint)route.Prefix.PrefixLength,
            }),
        };
        path.Pattrs.Add(Any.Pack(new OriginAttribute { Origin = OriginIgp }));

        // gobgpd turns a next hop attribute into MP_REACH_NLRI itself for IPv6; an unspecified address means
        // "my address on the session", which is what eBGP upstream expects.
        path.Pattrs.Add(Any.Pack(new NextHopAttribute { NextHop = (route.NextHop ?? selfNextHop).ToString() }));
        if (route.Communities.Values.Count > 0)
        {
            var communities = new CommunitiesAttribute();
            communities.Communities.AddRange(route.Communities.Values);
            path.Pattrs.Add(Any.Pack(communities));
        }

        return path;
    }

    private static GobgpRoute FromApiPath(Api.Path path)
    {
        var nlri = path.Nlri.Unpack<IPAddressPrefix>();
        var prefix = new IPNetwork(IPAddress.Parse(nlri.Prefix), (int)nlri.PrefixLen);
        IPAddress? nextHop = null;
        var communities = new BgpCommunities([]);
        foreach (var attribute in path.Pattrs)
        {
            if (attribute.TryUnpack<NextHopAttribute>(out var next))
            {
                nextHop = IPAddress.Parse(next.NextHop);
            }
            else if (attribute.TryUnpack<MpReachNLRIAttribute>(out var reach) && reach.NextHops.Count > 0)
            {
                nextHop = IPAddress.Parse(reach.NextHops[0]);
            }
            else if (attribute.TryUnpack<CommunitiesAttribute>(out var list))
            {
                communities = new BgpCommunities(list.Communities);
            }
        }

        return new GobgpRoute(prefix, communities, nextHop, path.Identifier, ParseNeighbor(path.NeighborIp));
    }

    // gobgpd reports a local path's source as an empty or unparsable address ("<nil>"); a peer's as its address.
    private static IPAddress? ParseNeighbor(string text) =>
        IPAddress.TryParse(text, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
            ? address
            : null;

    [LoggerMessage(EventId = Logging.RoutingEventIds.GobgpCallRetried, Level = LogLevel.Warning,
        Message = "gobgpd at {Endpoint} unavailable, retry {Attempt}: {Error}")]
    private partial void LogRetry(int attempt, string endpoint, string error);
}
