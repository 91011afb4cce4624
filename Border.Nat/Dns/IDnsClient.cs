using System.Net;

namespace Border.Nat.Dns;

/// <summary>Asks one server one question over UDP.</summary>
internal interface IDnsClient
{
    /// <summary>Queries <paramref name="server"/> port 53 for the AAAA records of <paramref name="name"/>.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The server's port is closed (ICMP unreachable) or unreachable.</exception>
    /// <exception cref="InvalidDataException">The answer is not a well-formed reply to the question.</exception>
    Task<DnsAnswer> QueryAaaaAsync(IPAddress server, string name, CancellationToken cancellationToken);
}

/// <summary>A reply's response code (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED) and its AAAA records.</summary>
internal sealed record DnsAnswer(int ResponseCode, IReadOnlyList<IPAddress> Addresses)
{
    public string ResponseCodeName => ResponseCode switch
    {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        _ => $"RCODE{ResponseCode}",
    };
}

/// <summary>Makes the UDP sockets the client sends from; tests make them inside a network namespace.</summary>
internal interface IUdpSocketFactory
{
    System.Net.Sockets.Socket Create(System.Net.Sockets.AddressFamily family);
}
