using System.CommandLine;
using System.Runtime.InteropServices;
using Border.App.Hosting;
using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Cli;

/// <summary><c>border run</c>: validates the config, then hands the gateway to the daemon until SIGTERM or SIGINT.</summary>
internal static class RunAction
{
    public static async Task<int> RunAsync(ParseResult parse, RunCommand command)
    {
        var file = parse.GetRequiredValue(command.Config);
        if (ConfigFileReader.TryLoad(file, parse.InvocationConfiguration.Error) is not { } config)
        {
            return ExitCodes.InvalidInput;
        }

        using var loggers = LineLoggerFactory.ForStandardError(LogLevel.Information);
        using var notifier = SystemdNotifier.FromEnvironment();
        var daemon = new GatewayDaemon(file.FullName, config, await File.ReadAllTextAsync(file.FullName), TimeProvider.System, loggers, notifier);

        // Cancelling the default handling keeps the runtime from exiting before the withdrawals are sent.
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            daemon.ReloadFromSignal();
        });
        return await daemon.RunAsync();

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            daemon.Stop();
        }
    }
}
