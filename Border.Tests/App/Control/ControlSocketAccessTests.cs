using System.Collections.Concurrent;
using System.Globalization;
using Border.App.Control;
using Border.Routing.Processes;
using Border.Tests.Integration;
using Border.Tests.Nat.Fakes;

namespace Border.Tests.App.Control;

/// <summary>Who may use the control socket, for real: the socket is given to an access group of the test's own
/// (created and deleted here, so no group <c>border</c> of the machine is touched), and the test build's
/// <c>border status</c> runs as other uids through setpriv. The group comes from /etc/group (groupadd) or from a
/// name source that is not a file border could parse, as LDAP or sssd would be: systemd's NSS module, serving
/// drop-in records. Root only: it adds groups and changes uids.</summary>
public sealed class ControlSocketAccessTests : IDisposable
{
    /// <summary>nobody: a name in the name service, and (with its groups cleared) in no group that matters.</summary>
    private const uint Nobody = 65534;

    /// <summary>No source knows this uid or gid: the name service answers "no entry" for it.</summary>
    private const uint Nameless = 4_000_124;

    private const string Files = "files";
    private const string Systemd = "systemd";

    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);
    private static readonly ProcessCommandRunner Runner = new();
    private readonly string directory = Directory.CreateTempSubdirectory("border-access-").FullName;
    private readonly RecordingHandler handler = new();
    private readonly RecordingLogger<ControlServer> log = new();

    public ControlSocketAccessTests()
    {
        // Anyone may reach the socket's directory, so what turns a client away is the socket's own mode.
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private string SocketPath => Path.Combine(directory, "control.sock");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData(Files)]
    [InlineData(Systemd)]
    public async Task Start_AccessGroupKnown_SocketIsRootsAndTheGroupsMode0660(string source)
    {
        await using var group = await AccessGroup.CreateAsync(source);
        await using var server = ControlServer.Start(SocketPath, group.Name, handler, log);

        var status = await RunCheckedAsync("/usr/bin/stat", "--format=%U %G %a %F", SocketPath);

        Assert.Equal($"root {group.Name} 660 socket\n", status.StandardOutput);
    }

    [Fact]
    public async Task Start_AccessGroupUnknown_SocketIsRootOnlyMode0600AndTheLogSaysWhy()
    {
        RequiresRoot();
        var unknown = $"bt-absent-{Environment.ProcessId}";
        await using var server = ControlServer.Start(SocketPath, unknown, handler, log);

        var status = await RunCheckedAsync("/usr/bin/stat", "--format=%U %G %a", SocketPath);

        Assert.Equal("root root 600\n", status.StandardOutput);
        Assert.Contains(log.Entries, entry => entry.Message == $"control socket {SocketPath} is root only: the name service knows no group {unknown}");
    }

    public static TheoryData<string, uint> Strangers() => new()
    {
        { Files, Nobody },
        { Files, Nameless },
        { Systemd, Nobody },
    };

    /// <summary>The client names the socket's group through the name service too, whichever source serves it.</summary>
    [Theory]
    [MemberData(nameof(Strangers))]
    public async Task Status_ClientNeitherRootNorInTheGroup_IsDeniedByTheKernelAndToldWhichGroup(string source, uint uid)
    {
        await using var group = await AccessGroup.CreateAsync(source);
        await using var server = ControlServer.Start(SocketPath, group.Name, handler, log);

        var result = await BorderStatusAsAsync(uid, uid, "--clear-groups");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}, {result.StandardOutput}{result.StandardError}");
        Assert.Equal($"border status: permission denied on {SocketPath}: run as root or as a member of group {group.Name} (the socket's group)\n", result.StandardError);
        Assert.Equal("", result.StandardOutput);
        Assert.Empty(handler.Peers);
    }

    [Fact]
    public async Task Status_ClientInTheRootGroupButTheSocketRootOnly_IsDeniedAndToldRootOnly()
    {
        RequiresRoot();
        await using var server = ControlServer.Start(SocketPath, $"bt-absent-{Environment.ProcessId}", handler, log);

        var result = await BorderStatusAsAsync(Nobody, 0, "--clear-groups");

        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}, {result.StandardOutput}{result.StandardError}");
        Assert.Equal($"border status: permission denied on {SocketPath}: the socket is root only (the daemon found no daemon.control_group when it started): run as root\n", result.StandardError);
        Assert.Empty(handler.Peers);
    }

    /// <summary>In the group as a supplementary group (what a login gives a member) or as the primary one; the peer
    /// is named through the name service (a user systemd serves, too), or by its uid when no source knows it.</summary>
    public static TheoryData<string, string, bool> Members() => new()
    {
        { Files, "nobody", true },
        { Files, "nameless", true },
        { Files, "nobody", false },
        { Files, "systemd user", true },
        { Systemd, "nobody", true },
        { Systemd, "systemd user", true },
    };

    [Theory]
    [MemberData(nameof(Members))]
    public async Task Status_ClientInTheAccessGroup_ReadsTheStatusAndTheDaemonKnowsWhoAsked(string source, string who, bool supplementary)
    {
        await using var group = await AccessGroup.CreateAsync(source);
        using var systemdUser = who == "systemd user" ? SystemdDropIns.Create() : null;
        var (uid, name) = who switch
        {
            "nobody" => (Nobody, "nobody"),
            "nameless" => (Nameless, $"uid {Nameless}"),
            _ => (systemdUser!.AddUser($"bt-u-{Environment.ProcessId}", SystemdDropIns.TestUserId), $"bt-u-{Environment.ProcessId}"),
        };
        await using var server = ControlServer.Start(SocketPath, group.Name, handler, log);

        var result = supplementary
            ? await BorderStatusAsAsync(uid, uid, $"--groups={group.Id}")
            : await BorderStatusAsAsync(uid, group.Id, "--clear-groups");

        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}, {result.StandardOutput}{result.StandardError}");
        Assert.StartsWith($"gateway gw1 at 2026-11-22 10:00:00.000Z; uplink up: asked by {name}\n", result.StandardOutput, StringComparison.Ordinal);
        var peer = Assert.Single(handler.Peers);
        Assert.Equal(uid, peer.UserId);
        Assert.Equal(name, peer.UserName);
    }

    private static void RequiresRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Assert.Skip("needs root: the test adds groups and runs the border client as other uids");
        }
    }

    /// <summary>The test build's client, as the uid and gid given, with the group option given to setpriv.</summary>
    private async Task<CommandResult> BorderStatusAsAsync(uint uid, uint gid, string groups)
    {
        Requires.Tool("/usr/bin/setpriv", "util-linux");
        return await Runner.RunAsync(
            "/usr/bin/setpriv",
            [$"--reuid={uid}", $"--regid={gid}", groups, "--", Path.Combine(AppContext.BaseDirectory, "border"), "status", "--socket", SocketPath],
            ClientTimeout,
            cancellationToken: TestContext.Current.CancellationToken);
    }

    private static Task<CommandResult> RunCheckedAsync(string program, params string[] arguments) =>
        Runner.RunCheckedAsync(program, arguments, TimeSpan.FromSeconds(30), cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>A group of this test process's own, bt-PID, removed again at the end; one of that name found already
    /// there fails the test rather than being taken over.</summary>
    private sealed class AccessGroup : IAsyncDisposable
    {
        private readonly Func<Task> remove;

        private AccessGroup(string name, uint id, Func<Task> remove)
        {
            Name = name;
            Id = id;
            this.remove = remove;
        }

        public string Name { get; }

        public uint Id { get; }

        /// <param name="source"><see cref="Files"/>: groupadd writes it into /etc/group; <see cref="Systemd"/>: a
        /// drop-in record systemd's NSS module serves.</param>
        public static async Task<AccessGroup> CreateAsync(string source)
        {
            RequiresRoot();
            var name = $"bt-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
            if (NameService.GroupId(name) is { } existing)
            {
                Assert.Fail($"group {name} (gid {existing}) already exists: left by a test run that was killed? Remove it by hand");
            }

            if (source == Systemd)
            {
                var dropIns = SystemdDropIns.Create();
                var gid = dropIns.AddGroup(name, SystemdDropIns.TestGroupId);
                return new AccessGroup(name, gid, () =>
                {
                    dropIns.Dispose();
                    return Task.CompletedTask;
                });
            }

            Requires.Tool("/usr/sbin/groupadd", "passwd");
            await RunCheckedAsync("/usr/sbin/groupadd", name);
            var id = NameService.GroupId(name) ?? throw new InvalidOperationException($"groupadd {name} succeeded but the name service knows no group {name}");
            return new AccessGroup(name, id, () => RunCheckedAsync("/usr/sbin/groupdel", name));
        }

        public async ValueTask DisposeAsync() => await remove();
    }

    /// <summary>User and group records in /run/userdb, which systemd's NSS module reads itself when systemd-userdbd
    /// does not run (as here): entries of a source that is not /etc/passwd or /etc/group.</summary>
    private sealed class SystemdDropIns : IDisposable
    {
        /// <summary>A gid of this test process's own, unknown to every source until the test adds it.</summary>
        public static readonly uint TestGroupId = 4_200_000 + (uint)(Environment.ProcessId % 100_000);

        /// <summary>A uid of this test process's own, unknown to every source until the test adds it.</summary>
        public static readonly uint TestUserId = 4_300_000 + (uint)(Environment.ProcessId % 100_000);

        private const string Folder = "/run/userdb";
        private readonly List<string> files = [];
        private readonly bool createdFolder;

        private SystemdDropIns(bool createdFolder) => this.createdFolder = createdFolder;

        public static SystemdDropIns Create()
        {
            var nsswitch = File.ReadAllLines("/etc/nsswitch.conf");
            foreach (var database in new[] { "passwd:", "group:" })
            {
                if (!nsswitch.Any(line => line.StartsWith(database, StringComparison.Ordinal) && line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Contains(Systemd)))
                {
                    Assert.Fail($"/etc/nsswitch.conf names no systemd source for {database} install the Debian package libnss-systemd (it adds it)");
                }
            }

            var created = !Directory.Exists(Folder);
            Directory.CreateDirectory(Folder);
            return new SystemdDropIns(created);
        }

        public uint AddUser(string name, uint uid)
        {
            Assert.Null(NameService.UserName(uid));
            Add($"{name}.user", $"{uid}.user", $$"""{"userName": "{{name}}", "uid": {{uid}}}""");
            Assert.Equal(name, NameService.UserName(uid));
            return uid;
        }

        public uint AddGroup(string name, uint gid)
        {
            Assert.Null(NameService.GroupName(gid));
            Add($"{name}.group", $"{gid}.group", $$"""{"groupName": "{{name}}", "gid": {{gid}}}""");
            Assert.Equal(gid, NameService.GroupId(name));
            return gid;
        }

        public void Dispose()
        {
            files.ForEach(File.Delete);
            if (createdFolder && !Directory.EnumerateFileSystemEntries(Folder).Any())
            {
                Directory.Delete(Folder);
            }
        }

        /// <summary>The record under its name, and the link by id the module looks a uid or gid up by.</summary>
        private void Add(string file, string link, string record)
        {
            var path = Path.Combine(Folder, file);
            File.WriteAllText(path, record);
            files.Add(path);
            var linkPath = Path.Combine(Folder, link);
            File.CreateSymbolicLink(linkPath, file);
            files.Add(linkPath);
        }
    }

    private sealed class RecordingHandler : IControlHandler
    {
        private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-22T10:00:00Z", CultureInfo.InvariantCulture);

        public ConcurrentQueue<ControlPeer> Peers { get; } = [];

        public Task<ControlResponse> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellationToken)
        {
            Assert.Equal("status", request.Command);
            Peers.Enqueue(peer);
            return Task.FromResult(new ControlResponse(true, "status", new StatusReport("gw1", At, new UplinkStatus(true, $"asked by {peer.UserName}"), [], [])));
        }
    }
}
