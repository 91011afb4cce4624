using System.Buffers.Binary;
using System.Net.Sockets;

namespace Border.App.Control;

/// <summary>Reads the connecting process's pid and uid from a Unix socket (SO_PEERCRED).</summary>
internal static class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    public static ControlPeer Read(Socket socket)
    {
        Span<byte> credentials = stackalloc byte[12];
        socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        var pid = BinaryPrimitives.ReadInt32LittleEndian(credentials);
        var uid = BinaryPrimitives.ReadInt32LittleEndian(credentials[4..]);
        return new ControlPeer(pid, uid, UserName(uid));
    }

    private static string UserName(int uid)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length > 2 && fields[2] == uid.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return fields[0];
            }
        }

        return $"uid {uid}";
    }
}
