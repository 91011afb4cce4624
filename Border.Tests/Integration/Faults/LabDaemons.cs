using System.Globalization;
using Border.Routing.Processes;
using Border.Tests.Integration.Supervisor;

namespace Border.Tests.Integration.Faults;

/// <summary>Stops and starts the lab's own daemons on a gateway (gobgpd, FRR) the way <c>lab/up.sh</c> starts them,
/// and reads processes by /proc, so a fault test can restart a speaker behind border's back.</summary>
/// <remarks>The command lines must stay those of lab/up.sh: a restarted daemon has to be the one the lab runs.</remarks>
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

    /// <summary>Starts gobgpd in the gateway's namespace as lab/up.sh does: detached, log appended, pid file written.</summary>
    public static async Task StartGobgpdAsync(string gateway)
    {
        var directory = GatewayDirectory(gateway);
        // The shell only detaches and records the pid; every path reaches it as an argument, never inside the script.
        const string Script = "ip netns exec \"$1\" setsid gobgpd -f \"$2/gobgpd.toml\" --api-hosts 127.0.0.1:50051 --pprof-disable -p >>\"$2/gobgpd.log\" 2>&1 </dev/null & echo $! >\"$2/gobgpd.pid\"";
        await NetworkNamespace.Runner.RunCheckedAsync("sh", ["-c", Script, "sh", $"{SupervisorLab.Name}-{gateway}", directory], TimeSpan.FromSeconds(10));
    }

    /// <summary>Starts one FRR daemon in the gateway's namespace with lab/up.sh's arguments; it daemonizes itself.</summary>
    public static async Task StartFrrAsync(string gateway, string daemon)
    {
        var directory = GatewayDirectory(gateway);
        var frr = Path.Combine(directory, "frr");
        await NetworkNamespace.Runner.RunCheckedAsync(
            "ip",
            ["netns", "exec", $"{SupervisorLab.Name}-{gateway}", $"/usr/lib/frr/{daemon}", "-d", "-N", $"{SupervisorLab.Name}-{gateway}",
                "-f", Path.Combine(directory, "frr.conf"), "-i", Path.Combine(frr, $"{daemon}.pid"), "--vty_socket", frr, "-z", Path.Combine(frr, "zserv.api")],
            TimeSpan.FromSeconds(15));
    }

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
}
