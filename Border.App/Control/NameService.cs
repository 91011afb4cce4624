using System.Runtime.InteropServices;

namespace Border.App.Control;

/// <summary>A user or group lookup the name service could not answer: its source failed, or the entry is too large.</summary>
internal sealed class NameServiceException(string message) : Exception(message);

/// <summary>Looks users and groups up through the C library's name service switch, so every source
/// <c>/etc/nsswitch.conf</c> names answers (files, LDAP, sssd, systemd), not only <c>/etc/passwd</c> and
/// <c>/etc/group</c>.</summary>
/// <remarks>The reentrant calls (<c>getpwuid_r</c>, <c>getgrnam_r</c>, <c>getgrgid_r</c>) write the entry's strings
/// into a buffer the caller gives; one too small is answered with ERANGE, so the buffer doubles from the first size
/// up to a ceiling (a group of many thousand members fits in the default one) and a larger entry is an error. The
/// structs are glibc's on x86_64, the appliance's only target.</remarks>
internal static partial class NameService
{
    private const int DefaultFirstBufferBytes = 1024;
    private const int DefaultMaxBufferBytes = 1024 * 1024;
    private const int Erange = 34;

    /// <summary>The name of the user with this uid, or <see langword="null"/> when no source knows the uid.</summary>
    /// <exception cref="NameServiceException">A source failed, or the entry needs more than the ceiling.</exception>
    public static unsafe string? UserName(uint uid, int firstBufferBytes = DefaultFirstBufferBytes, int maxBufferBytes = DefaultMaxBufferBytes) =>
        Look<Passwd, string>(
            $"user id {uid}",
            firstBufferBytes,
            maxBufferBytes,
            (entry, buffer, length, found) => GetUserByUid(uid, entry, buffer, length, found),
            entry => Marshal.PtrToStringUTF8((nint)entry.Name)!);

    /// <summary>The gid of the group with this name, or <see langword="null"/> when no source knows the name.</summary>
    /// <exception cref="NameServiceException">A source failed, or the entry needs more than the ceiling.</exception>
    public static unsafe uint? GroupId(string name, int firstBufferBytes = DefaultFirstBufferBytes, int maxBufferBytes = DefaultMaxBufferBytes) =>
        Look<Group, uint?>(
            $"group {name}",
            firstBufferBytes,
            maxBufferBytes,
            (entry, buffer, length, found) => GetGroupByName(name, entry, buffer, length, found),
            entry => entry.GroupId);

    /// <summary>The name of the group with this gid, or <see langword="null"/> when no source knows the gid.</summary>
    /// <exception cref="NameServiceException">A source failed, or the entry needs more than the ceiling.</exception>
    public static unsafe string? GroupName(uint gid, int firstBufferBytes = DefaultFirstBufferBytes, int maxBufferBytes = DefaultMaxBufferBytes) =>
        Look<Group, string>(
            $"group id {gid}",
            firstBufferBytes,
            maxBufferBytes,
            (entry, buffer, length, found) => GetGroupByGid(gid, entry, buffer, length, found),
            entry => Marshal.PtrToStringUTF8((nint)entry.Name)!);

    /// <summary>Runs one reentrant lookup, growing its buffer while the call answers ERANGE.</summary>
    /// <param name="call">Makes the call into the entry and buffer and returns its error number; sets the result
    /// pointer to the entry when found, to null when no source knows the key.</param>
    /// <param name="read">Reads the entry, while the buffer its strings point into is still pinned.</param>
    private static unsafe TResult? Look<TEntry, TResult>(string what, int firstBufferBytes, int maxBufferBytes, LookupCall<TEntry> call, Func<TEntry, TResult> read)
        where TEntry : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(firstBufferBytes);
        for (var length = firstBufferBytes; ; length = (int)Math.Min(2L * length, maxBufferBytes))
        {
            var buffer = new byte[length];
            fixed (byte* start = buffer)
            {
                TEntry entry;
                TEntry* found;
                var error = call(&entry, start, (nuint)length, &found);
                if (error == 0)
                {
                    return found == null ? default : read(entry);
                }

                if (error != Erange)
                {
                    throw new NameServiceException($"cannot look {what} up in the name service (/etc/nsswitch.conf): {Marshal.GetPInvokeErrorMessage(error)}");
                }

                if (length >= maxBufferBytes)
                {
                    throw new NameServiceException($"cannot look {what} up in the name service (/etc/nsswitch.conf): its entry needs more than {maxBufferBytes} bytes");
                }
            }
        }
    }

    private unsafe delegate int LookupCall<TEntry>(TEntry* entry, byte* buffer, nuint length, TEntry** found)
        where TEntry : unmanaged;

    /// <summary>glibc's <c>struct passwd</c> on x86_64: 48 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct Passwd
    {
        public byte* Name;
        public byte* Password;
        public uint UserId;
        public uint GroupId;
        public byte* Gecos;
        public byte* Home;
        public byte* Shell;
    }

    /// <summary>glibc's <c>struct group</c> on x86_64: 32 bytes (4 of padding before the member list).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct Group
    {
        public byte* Name;
        public byte* Password;
        public uint GroupId;
        public byte** Members;
    }

    // Each returns the error number rather than set errno: 0 with a null result when no source knows the key.
    [LibraryImport("libc", EntryPoint = "getpwuid_r")]
    private static unsafe partial int GetUserByUid(uint uid, Passwd* entry, byte* buffer, nuint length, Passwd** result);

    [LibraryImport("libc", EntryPoint = "getgrgid_r")]
    private static unsafe partial int GetGroupByGid(uint gid, Group* entry, byte* buffer, nuint length, Group** result);

    [LibraryImport("libc", EntryPoint = "getgrnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int GetGroupByName(string name, Group* entry, byte* buffer, nuint length, Group** result);
}
