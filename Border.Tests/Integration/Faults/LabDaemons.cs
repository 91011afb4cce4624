using System.Globalization;
using Border.Routing.Processes;
using Border.Tests.Integration.Supervisor;

namespace Border.Tests.Integration.Faults;

/// <summary>Stops and starts the lab's own daemons on a gateway (gobgpd, FRR) the way <c>lab/up.sh</c> starts them,
/// and reads processes by /proc, so a fault test can restart a speaker behind border's back.</summary>
internal static class LabDaemons
{
    /// <summary>FRR's daemons on a gateway, in the order lab/up.sh starts them.</summary>
    public static readonly string[] Frr = ["zebra", "ospfd", "ospf6d"];

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    public static string GatewayDirectory(string gateway) => Path.Combine(SupervisorLab.Root, gateway);

    public static string FrrPidFile(string gateway, string daemon) => Path.Combine(GatewayDirectory(gateway), "frr", $"{daemon}.pid");

    public static string GobgpdPidFile(string gateway) => Path.Combine(GatewayDirectory(gateway), "gobgpd.pid");

    /// <summary>SIGTERM to the process in the pid file, then waits (bounded) for it to be gone; SIGKILL if it lingers.</summary>
    public static async Task StopAsync(string pidFile)
    {
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        await SignalAsync("TERM", pid);
        if (!await WaitGoneAsync(pid, StopTimeout))
        {
            await SignalAsync("KILL", pid);
            Assert.True(await WaitGoneAsync(pid, StopTimeout), $"pid {pid} ({pidFile}) outlived SIGKILL");
        }
    }

    /// <summary>Starts gobgpd in the gateway's namespace again, by lab/daemon.sh: as lab/up.sh started it.</summary>
    public static Task StartGobgpdAsync(string gateway) => LabDaemonScriptAsync("gobgpd", gateway);

    /// <summary>Starts one FRR daemon in the gateway's namespace again, by lab/daemon.sh: as lab/up.sh started it.</summary>
    public static Task StartFrrAsync(string gateway, string daemon) => LabDaemonScriptAsync("frr", gateway, daemon);

    /// <summary>Whether the process in the pid file is alive, judged by /proc (PID 1 reaps orphans slowly).</summary>
    public static bool Running(string pidFile) =>
        File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid) && Alive(pid);

    /// <summary>Alive by /proc/PID/stat: present and neither a zombie nor dead.</summary>
    public static bool Alive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The process state letter of /proc/PID/stat (R, S, T, ...).</summary>
    public static char State(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..][0];
    }

    public static Task<CommandResult> SignalAsync(string signal, int pid) =>
        NetworkNamespace.Runner.RunCheckedAsync("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));

    public static async Task<bool> WaitGoneAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Alive(pid))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return true;
    }

    private static Task<CommandResult> LabDaemonScriptAsync(params string[] arguments) =>
        NetworkNamespace.Runner.RunCheckedAsync("env", [$"LAB={SupervisorLab.Name}", Path.Combine(TestPaths.RepositoryRoot, "lab", "daemon.sh"), .. arguments], TimeSpan.FromSeconds(15));
}
