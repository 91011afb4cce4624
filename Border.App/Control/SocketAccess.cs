using System.Runtime.InteropServices;

namespace Border.App.Control;

/// <summary>Who may connect to a control socket, in words, for a client the kernel turned away.</summary>
/// <remarks>The daemon gives the socket to its configured group (<c>daemon.control_group</c>), which the client does
/// not know: it reads the group from the socket file itself and names it through the name service.</remarks>
internal static partial class SocketAccess
{
    /// <summary>What to do instead, e.g. "run as root or as a member of group border (the socket's group)".</summary>
    public static string Advice(string path)
    {
        if (Stat(path, out var status) != 0)
        {
            return $"run as root or as a member of the socket's group ({path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})";
        }

        if ((status.Mode & (uint)UnixFileMode.GroupWrite) == 0)
        {
            return "the socket is root only (the daemon found no daemon.control_group when it started): run as root";
        }

        return $"run as root or as a member of group {GroupName(status.GroupId)} (the socket's group)";
    }

    private static string GroupName(uint gid)
    {
        try
        {
            return NameService.GroupName(gid) ?? $"gid {gid}";
        }
        catch (NameServiceException ex)
        {
            return $"gid {gid} ({ex.Message})";
        }
    }

    /// <summary>glibc's <c>struct stat</c> on x86_64: 144 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct FileStatus
    {
        public ulong Device;
        public ulong Inode;
        public ulong LinkCount;
        public uint Mode;
        public uint UserId;
        public uint GroupId;
        private readonly int padding;
        public ulong SpecialDevice;
        public long Size;
        public long BlockSize;
        public long Blocks;
        public Timespec Accessed;
        public Timespec Modified;
        public Timespec Changed;
        private readonly long reserved0;
        private readonly long reserved1;
        private readonly long reserved2;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // glibc exports stat itself since 2.33 (Debian 12 has 2.36); before, only __xstat.
    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, out FileStatus status);
}
