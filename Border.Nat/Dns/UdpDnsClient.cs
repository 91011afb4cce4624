using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Border.Nat.Dns;

/// <summary><see cref="IDnsClient"/> over one connected UDP socket per query.</summary>
/// <remarks>Connecting the socket makes the kernel hand back an ICMP port unreachable as a refused receive, so
/// a resolver that is not running is told apart from one that is slow.</remarks>
internal sealed class UdpDnsClient(IUdpSocketFactory sockets) : IDnsClient
{
    private const int DnsPort = 53;
    private const int MaxUdpReply = 4096;

    public async Task<DnsAnswer> QueryAaaaAsync(IPAddress server, string name, CancellationToken cancellationToken)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);
        using var socket = sockets.Create(server.AddressFamily);
        await socket.ConnectAsync(new IPEndPoint(server, DnsPort), cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(DnsMessage.Query(id, name), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxUdpReply];
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return DnsMessage.ParseAnswer(id, buffer.AsSpan(0, received));
    }
}

/// <summary>Plain UDP sockets in the process's own network namespace.</summary>
internal sealed class UdpSocketFactory : IUdpSocketFactory
{
    public Socket Create(AddressFamily family) => new(family, SocketType.Dgram, ProtocolType.Udp);
}
