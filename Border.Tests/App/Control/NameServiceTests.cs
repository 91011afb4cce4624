using System.Globalization;
using System.Runtime.InteropServices;
using Border.App.Control;
using Border.Routing.Processes;

namespace Border.Tests.App.Control;

/// <summary>The name service wrapper against this machine's real NSS (files and systemd here), with getent, which
/// asks the same sources, as the judge.</summary>
public sealed class NameServiceTests
{
    /// <summary>No source knows this uid or gid here (getent agrees, checked in the test that uses it).</summary>
    private const uint Unknown = 4_000_123;

    [Fact]
    public void UserName_Root_IsRoot() => Assert.Equal("root", NameService.UserName(0));

    [Fact]
    public void UserName_Nobody_IsNobody() => Assert.Equal("nobody", NameService.UserName(65534));

    /// <summary>getent exits 2 for a key no source knows.</summary>
    [Fact]
    public async Task UserNameAndGroupName_IdNoSourceKnows_AreNull()
    {
        var id = Unknown.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(2, (await GetentAsync("passwd", id)).ExitCode);
        Assert.Equal(2, (await GetentAsync("group", id)).ExitCode);

        Assert.Null(NameService.UserName(Unknown));
        Assert.Null(NameService.GroupName(Unknown));
    }

    [Fact]
    public void GroupId_Root_IsZero() => Assert.Equal(0u, NameService.GroupId("root"));

    [Fact]
    public void GroupId_Nogroup_Is65534() => Assert.Equal(65534u, NameService.GroupId("nogroup"));

    [Fact]
    public void GroupId_NameNoSourceKnows_IsNull() => Assert.Null(NameService.GroupId($"bt-absent-{Environment.ProcessId}"));

    [Fact]
    public void GroupName_Gid65534_IsNogroup() => Assert.Equal("nogroup", NameService.GroupName(65534));

    [Fact]
    public async Task UserName_EveryUserGetentLists_IsGetentsName()
    {
        var users = Entries(await GetentAsync("passwd"));

        Assert.NotEmpty(users);
        foreach (var (name, uid) in users)
        {
            Assert.Equal(name, NameService.UserName(uid));
        }
    }

    [Fact]
    public async Task GroupIdAndName_EveryGroupGetentLists_AreGetents()
    {
        var groups = Entries(await GetentAsync("group"));

        Assert.NotEmpty(groups);
        foreach (var (name, gid) in groups)
        {
            Assert.Equal(gid, NameService.GroupId(name));
            Assert.Equal(name, NameService.GroupName(gid));
        }
    }

    [Fact]
    public void Lookups_FirstBufferOneByte_GrowUntilTheEntryFits()
    {
        Assert.Equal("root", NameService.UserName(0, firstBufferBytes: 1));
        Assert.Equal(65534u, NameService.GroupId("nogroup", firstBufferBytes: 1));
        Assert.Equal("nogroup", NameService.GroupName(65534, firstBufferBytes: 1));
    }

    [Fact]
    public void UserName_EntryLargerThanTheCeiling_FailsSayingSo()
    {
        // root's entry holds "root", "x", "root", "/root" and its shell: more than 8 bytes.
        var error = Assert.Throws<NameServiceException>(() => NameService.UserName(0, firstBufferBytes: 1, maxBufferBytes: 8));

        Assert.Equal("cannot look user id 0 up in the name service (/etc/nsswitch.conf): its entry needs more than 8 bytes", error.Message);
    }

    /// <summary>The offsets of glibc's headers for x86_64 (pwd.h, grp.h): a field read at the wrong one reads garbage.</summary>
    [Fact]
    public void Structs_Layout_IsGlibcsOnX8664()
    {
        Assert.Equal(Architecture.X64, RuntimeInformation.ProcessArchitecture);
        Assert.Equal(48, Marshal.SizeOf<NameService.Passwd>());
        Assert.Equal(16, (int)Marshal.OffsetOf<NameService.Passwd>(nameof(NameService.Passwd.UserId)));
        Assert.Equal(20, (int)Marshal.OffsetOf<NameService.Passwd>(nameof(NameService.Passwd.GroupId)));
        Assert.Equal(40, (int)Marshal.OffsetOf<NameService.Passwd>(nameof(NameService.Passwd.Shell)));
        Assert.Equal(32, Marshal.SizeOf<NameService.Group>());
        Assert.Equal(16, (int)Marshal.OffsetOf<NameService.Group>(nameof(NameService.Group.GroupId)));
        Assert.Equal(24, (int)Marshal.OffsetOf<NameService.Group>(nameof(NameService.Group.Members)));
    }

    private static Task<CommandResult> GetentAsync(params string[] arguments) =>
        new ProcessCommandRunner().RunAsync("getent", arguments, TimeSpan.FromSeconds(10), cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>name:password:id:... lines; of a name or id listed twice, the first entry is what a lookup returns.</summary>
    private static List<(string Name, uint Id)> Entries(CommandResult listing)
    {
        Assert.Equal(0, listing.ExitCode);
        var entries = new List<(string Name, uint Id)>();
        foreach (var line in listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(':');
            var (name, id) = (fields[0], uint.Parse(fields[2], CultureInfo.InvariantCulture));
            if (!entries.Any(seen => seen.Name == name || seen.Id == id))
            {
                entries.Add((name, id));
            }
        }

        return entries;
    }
}
