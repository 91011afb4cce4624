using System.Diagnostics;
using Border.App.Configuration;
using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary>Ends what a previous daemon left running when it died: a Tayga holding the tun, a child Unbound still
/// answering on the anycast addresses, the nft and ip monitors it read its events from.</summary>
/// <remarks>These are the daemon's children but do not die with it (a monitor notices that its reader is gone only
/// when it next writes, which may be never), and the next Tayga cannot open the tun while the old one holds it. A
/// leftover is recognised by what only border gives it: <see cref="OwnerVariable"/> in its environment, naming the
/// gateway's state directory (the daemon sets it in its own environment, which every child inherits), or for Tayga
/// and Unbound the config file border wrote for it in that directory (a child of a border from before the
/// variable). So nothing border did not start is ever touched. A process whose parent is a live border (this
/// daemon, or a daemon started since: the guard of a dead daemon may run after it) is not a leftover, nor is a
/// border itself (a dead daemon's guard); a dead daemon's children have been handed to PID 1.</remarks>
internal static partial class LeftoverEngines
{
    /// <summary>The environment variable that marks a process as started by the daemon of one gateway.</summary>
    public const string OwnerVariable = "BORDER_OWNER";

    /// <summary>Marks every process this daemon starts from now on as its own.</summary>
    public static void MarkChildren(GatewayConfig config) => Environment.SetEnvironmentVariable(OwnerVariable, config.Daemon.StateDirectory);

    /// <summary>Kills every process a dead daemon of this gateway left running, except our own children.</summary>
    public static void End(GatewayConfig config, ILogger logger)
    {
        var owner = $"{OwnerVariable}={config.Daemon.StateDirectory}";
        var tayga = config.Nat64?.Tayga is not null ? ConfigBinder.TaygaEngine(config).ConfigPath : null;
        var unbound = config.Dns64?.Unbound.Child is true ? ConfigBinder.UnboundEngine(config).ConfigPath : null;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || IsBorder(ParentOf(directory))
                || Read(directory, "cmdline") is not [var first, ..] arguments)
            {
                continue;
            }

            var program = Path.GetFileName(first);
            var leftover = program switch
            {
                "border" => false,
                "tayga" when tayga is not null && arguments.Contains(tayga) => true,
                "unbound" when unbound is not null && arguments.Contains(unbound) => true,
                _ => Read(directory, "environ")?.Contains(owner) is true,
            };
            if (leftover)
            {
                Kill(pid, program, logger);
            }
        }
    }

    private static void Kill(int pid, string program, ILogger logger)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            LogEnded(logger, program, pid);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    /// <summary>A /proc file of NUL-separated strings (cmdline, environ); <see langword="null"/> once the process is gone
    /// or when it is not ours to read.</summary>
    private static string[]? Read(string directory, string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(directory, file)).Split('\0');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = AppEventIds.LeftoverEngineEnded, Level = LogLevel.Warning, Message = "ended {Program} (pid {Pid}), which a dead border daemon left running")]
    private static partial void LogEnded(ILogger logger, string program, int pid);

    private static bool IsBorder(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim() == "border";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int ParentOf(string procDirectory)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(procDirectory, "stat"));
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }
}
