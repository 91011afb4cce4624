using System.Net.Sockets;
using System.Runtime.InteropServices;
using Border.Nat.Dns;
using Border.Nat.Processes;
using Border.Routing.Processes;

namespace Border.Tests.Integration.Nat;

/// <summary>Runs every command inside one network namespace, as the engines would run on the gateway itself.</summary>
internal sealed class NamespacedCommandRunner(string space) : ICommandRunner
{
    public Task<CommandResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string? standardInput = null,
        CancellationToken cancellationToken = default) =>
        NetworkNamespace.Runner.RunAsync("ip", ["netns", "exec", space, program, .. arguments], timeout, standardInput, cancellationToken);
}

/// <summary>Starts supervised children inside one namespace; <c>ip netns exec</c> execs the program, so the PID
/// and the exit status are the program's own and this process stays its parent.</summary>
internal sealed class NamespacedProcessLauncher(string space) : IProcessLauncher
{
    private readonly ChildProcessLauncher inner = new();

    public IChildProcess Start(string program, IReadOnlyList<string> arguments, Action<string>? onOutputLine = null) =>
        inner.Start("ip", ["netns", "exec", space, program, .. arguments], onOutputLine);
}

/// <summary>Makes UDP sockets inside one namespace: a socket belongs to the namespace of the thread that made it,
/// so a short-lived thread enters the namespace, makes the socket and leaves.</summary>
internal sealed class NamespacedSocketFactory(string space) : IUdpSocketFactory
{
    private const int CloneNewNet = 0x40000000;

    public Socket Create(AddressFamily family)
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var target = File.OpenHandle($"/var/run/netns/{space}");
                using var home = File.OpenHandle("/proc/thread-self/ns/net");
                Enter(target.DangerousGetHandle());
                try
                {
                    socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
                }
                finally
                {
                    Enter(home.DangerousGetHandle());
                }
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"no socket in namespace {space}", error);
    }

    private static void Enter(nint handle)
    {
        if (SetNamespace((int)handle, CloneNewNet) != 0)
        {
            throw new InvalidOperationException($"setns failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport, not LibraryImport: the generated stub needs unsafe code, which the test project does not allow.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNamespace(int fd, int nstype);
#pragma warning restore SYSLIB1054
}
