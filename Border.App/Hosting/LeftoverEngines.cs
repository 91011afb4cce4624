using System.Diagnostics;
using Border.App.Configuration;
using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary>Ends an engine process a previous daemon left running when it died (a Tayga holding the tun, a child
/// Unbound still answering on the anycast addresses).</summary>
/// <remarks>Tayga and a child Unbound are the daemon's children but do not die with it, and the next Tayga cannot
/// open the tun while the old one holds it. The leftover is recognised by the config file border wrote for it, a
/// path in border's own state directory, so nothing border did not start is ever touched. A process whose parent is
/// a live border (this daemon, or a daemon started since: the guard of a dead daemon may run after it) is not a
/// leftover; a dead daemon's children have been handed to PID 1.</remarks>
internal static partial class LeftoverEngines
{
    /// <summary>Kills every process running Tayga with this gateway's Tayga config, or Unbound with its child
    /// config, except our own children.</summary>
    public static void End(GatewayConfig config, ILogger logger)
    {
        if (config.Nat64?.Tayga is not null)
        {
            End("tayga", ConfigBinder.TaygaEngine(config).ConfigPath, logger);
        }

        if (config.Dns64?.Unbound.Child is true)
        {
            End("unbound", ConfigBinder.UnboundEngine(config).ConfigPath, logger);
        }
    }

    private static void End(string program, string configPath, ILogger logger)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || IsBorder(ParentOf(directory)))
            {
                continue;
            }

            string[] arguments;
            try
            {
                arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (arguments.Length > 0 && Path.GetFileName(arguments[0]) == program && arguments.Contains(configPath))
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
