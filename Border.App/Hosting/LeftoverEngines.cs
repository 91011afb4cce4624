using System.Diagnostics;
using Border.App.Configuration;
using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary>Ends an engine process a previous daemon left running when it died (a Tayga holding the tun).</summary>
/// <remarks>Tayga is the daemon's child but does not die with it, and the next Tayga cannot open the tun while
/// the old one holds it. The leftover is recognised by the config file border wrote for it, a path in border's
/// own state directory, so nothing border did not start is ever touched.</remarks>
internal static partial class LeftoverEngines
{
    /// <summary>Kills every process running Tayga with this gateway's Tayga config, except our own children.</summary>
    public static void End(GatewayConfig config, ILogger logger)
    {
        if (config.Nat64?.Tayga is null)
        {
            return;
        }

        var configPath = ConfigBinder.TaygaEngine(config).ConfigPath;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || ParentOf(directory) == Environment.ProcessId)
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

            if (arguments.Length > 0 && Path.GetFileName(arguments[0]) == "tayga" && arguments.Contains(configPath))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill();
                    LogEnded(logger, pid);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }
        }
    }

    [LoggerMessage(EventId = AppEventIds.LeftoverEngineEnded, Level = LogLevel.Warning, Message = "ended tayga (pid {Pid}), which a dead border daemon left holding the tun")]
    private static partial void LogEnded(ILogger logger, int pid);

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
