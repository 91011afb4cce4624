using System.Buffers.Binary;
using System.Net.Sockets;

namespace Border.App.Control;

/// <summary>Reads the connecting process's pid and uid from a Unix socket (SO_PEERCRED).</summary>
internal static class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The pid and uid the kernel recorded when the peer connected (<c>struct ucred</c>: pid, uid, gid).</summary>
    public static (int ProcessId, uint UserId) Read(Socket socket)
    {
        Span<byte> credentials = stackalloc byte[12];
        socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        return (BinaryPrimitives.ReadInt32LittleEndian(credentials), BinaryPrimitives.ReadUInt32LittleEndian(credentials[4..]));
    }
}
