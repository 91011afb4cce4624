using System.Net.Sockets;
using System.Runtime.InteropServices;
using Border.App.Control;

namespace Border.Tests.App.Control;

/// <summary>The advice a client the kernel turned away gets: read from the socket file itself, its group named
/// through the name service. (As other uids, for real: <see cref="ControlSocketAccessTests"/>.)</summary>
public sealed class SocketAccessTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("border-advice-").FullName;

    private string SocketPath => Path.Combine(directory, "control.sock");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Advice_SocketGroupWritable_NamesItsGroup()
    {
        using var socket = Bind(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);

        // The file's group is this process's own, as the kernel gave it at bind.
        var group = NameService.GroupName(FileSystemGroupId());

        Assert.Equal($"run as root or as a member of group {group} (the socket's group)", SocketAccess.Advice(SocketPath));
    }

    [Fact]
    public void Advice_SocketOwnerOnly_SaysRootOnly()
    {
        using var socket = Bind(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Equal("the socket is root only (the daemon found no daemon.control_group when it started): run as root", SocketAccess.Advice(SocketPath));
    }

    [Fact]
    public void Advice_NoSocket_SaysWhyItCannotTell()
    {
        Assert.Equal($"run as root or as a member of the socket's group ({SocketPath}: No such file or directory)", SocketAccess.Advice(SocketPath));
    }

    /// <summary>The offsets of glibc's sys/stat.h for x86_64: a field read at the wrong one reads garbage.</summary>
    [Fact]
    public void FileStatus_Layout_IsGlibcsOnX8664()
    {
        Assert.Equal(Architecture.X64, RuntimeInformation.ProcessArchitecture);
        Assert.Equal(144, Marshal.SizeOf<SocketAccess.FileStatus>());
        Assert.Equal(24, (int)Marshal.OffsetOf<SocketAccess.FileStatus>(nameof(SocketAccess.FileStatus.Mode)));
        Assert.Equal(32, (int)Marshal.OffsetOf<SocketAccess.FileStatus>(nameof(SocketAccess.FileStatus.GroupId)));
        Assert.Equal(40, (int)Marshal.OffsetOf<SocketAccess.FileStatus>(nameof(SocketAccess.FileStatus.SpecialDevice)));
        Assert.Equal(88, (int)Marshal.OffsetOf<SocketAccess.FileStatus>(nameof(SocketAccess.FileStatus.Modified)));
    }

    private Socket Bind(UnixFileMode mode)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(SocketPath));
        File.SetUnixFileMode(SocketPath, mode);
        return socket;
    }

    /// <summary>The gid new files get (Gid: real, effective, saved, filesystem).</summary>
    private static uint FileSystemGroupId() =>
        uint.Parse(File.ReadLines("/proc/self/status").First(line => line.StartsWith("Gid:", StringComparison.Ordinal)).Split('\t')[4], System.Globalization.CultureInfo.InvariantCulture);
}
