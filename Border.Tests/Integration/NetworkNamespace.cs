using System.Diagnostics;
using Border.Routing.Processes;

namespace Border.Tests.Integration;

/// <summary>A network namespace a test creates and owns; disposing it ends every process in it and deletes it.</summary>
/// <remarks>Names carry the test process's PID and a counter, so parallel runs never collide and nothing
/// outside what this run created is ever touched.</remarks>
internal sealed class NetworkNamespace : IAsyncDisposable
{
    private static int counter;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
    private readonly List<Process> children = [];

    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    public static ICommandRunner Runner { get; } = new ProcessCommandRunner();

    /// <summary>Creates a namespace with its loopback up. <paramref name="role"/> shows in the name (core, gw1, ...).</summary>
    public static async Task<NetworkNamespace> CreateAsync(string role)
    {
        var name = $"bt{Environment.ProcessId}-{Interlocked.Increment(ref counter)}-{role}";
        await Runner.RunCheckedAsync("ip", ["netns", "add", name], CommandTimeout);
        var created = new NetworkNamespace(name);
        await created.RunCheckedAsync("ip", "link", "set", "lo", "up");
        return created;
    }

    /// <summary>Runs a command inside the namespace and returns its result, whatever the exit code.</summary>
    public Task<CommandResult> RunAsync(string program, params string[] arguments) =>
        Runner.RunAsync("ip", ["netns", "exec", Name, program, .. arguments], CommandTimeout);

    /// <summary>Runs a command inside the namespace and throws, with its stderr, unless it exits 0.</summary>
    public Task<CommandResult> RunCheckedAsync(string program, params string[] arguments) =>
        Runner.RunCheckedAsync("ip", ["netns", "exec", Name, program, .. arguments], CommandTimeout);

    /// <summary>Starts a long-running process inside the namespace; it is killed by PID when the namespace is disposed.</summary>
    public Process Start(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo("ip")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["netns", "exec", Name, program, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program} in {Name}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        children.Add(process);
        return process;
    }

    /// <summary>Adds an address to an interface in this namespace.</summary>
    public Task AddAddressAsync(string device, string prefix) =>
        RunCheckedAsync("ip", "address", "add", prefix, "dev", device, "nodad");

    /// <summary>Adds a route in this namespace.</summary>
    public Task AddRouteAsync(string destination, string via) =>
        RunCheckedAsync("ip", "route", "add", destination, "via", via);

    /// <summary>Turns on IPv4 and IPv6 forwarding in this namespace.</summary>
    public async Task EnableForwardingAsync()
    {
        await RunCheckedAsync("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        await RunCheckedAsync("sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
    }

    /// <summary>Joins two namespaces with a veth pair and brings both ends up.</summary>
    public static async Task ConnectAsync(NetworkNamespace left, string leftDevice, NetworkNamespace right, string rightDevice)
    {
        await Runner.RunCheckedAsync(
            "ip",
            ["link", "add", leftDevice, "netns", left.Name, "type", "veth", "peer", "name", rightDevice, "netns", right.Name],
            CommandTimeout);
        await left.RunCheckedAsync("ip", "link", "set", leftDevice, "up");
        await right.RunCheckedAsync("ip", "link", "set", rightDevice, "up");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in children)
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }

            await child.WaitForExitAsync();
            child.Dispose();
        }

        // Daemons that detached from us (FRR with -d, for one) still live in the namespace: end them by its name.
        var pids = await Runner.RunAsync("ip", ["netns", "pids", Name], CommandTimeout);
        foreach (var pid in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await Runner.RunAsync("kill", ["-9", pid.Trim()], CommandTimeout);
        }

        await Runner.RunCheckedAsync("ip", ["netns", "delete", Name], CommandTimeout);
    }
}
