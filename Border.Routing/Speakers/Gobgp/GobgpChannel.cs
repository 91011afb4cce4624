using System.Net.Sockets;
using Grpc.Net.Client;

namespace Border.Routing.Speakers.Gobgp;

/// <summary>Builds the gRPC channel to gobgpd from an endpoint string: <c>HOST:PORT</c> or <c>unix:///PATH</c>.</summary>
internal static class GobgpChannel
{
    private const string UnixScheme = "unix://";

    public static GrpcChannel Create(string endpoint)
    {
        if (!endpoint.StartsWith(UnixScheme, StringComparison.Ordinal))
        {
            // gobgpd serves its API in plain HTTP/2 unless started with --tls.
            return GrpcChannel.ForAddress($"http://{endpoint}");
        }

        var socketPath = endpoint[UnixScheme.Length..];
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };

        // The authority is never resolved: every connection goes through the callback to the socket.
        return GrpcChannel.ForAddress("http://gobgpd", new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
