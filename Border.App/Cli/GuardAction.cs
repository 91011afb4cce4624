using System.CommandLine;
using Border.App.Hosting;
using Border.App.Logging;
using Border.Routing.Attractions;
using Border.Routing.Reconciliation;
using Microsoft.Extensions.Logging;

namespace Border.App.Cli;

/// <summary><c>border guard</c>: waits on standard input; at end-of-file (the daemon died) withdraws every attraction.</summary>
internal static partial class GuardAction
{
    public static async Task<int> RunAsync(ParseResult parse, GuardCommand command)
    {
        var file = parse.GetRequiredValue(command.Config);
        if (ConfigFileReader.TryLoad(file, parse.InvocationConfiguration.Error) is not { } config)
        {
            return ExitCodes.InvalidInput;
        }

        using var loggers = LineLoggerFactory.ForStandardError(LogLevel.Information);
        var logger = loggers.CreateLogger("Guard");
        var speakers = RouteSpeakers.Build(config, TimeProvider.System, loggers);
        try
        {
            // The daemon is the only writer: end-of-file means it is gone.
            if (await Console.In.ReadLineAsync() == AttractionGuard.ReleaseLine)
            {
                return ExitCodes.Ok;
            }

            LogDaemonGone(logger, config.Name);
            // Each speaker withdraws on its own, at once: GoBGP's calls need not wait behind FRR's vtysh call per prefix.
            var reconcilerLogger = loggers.CreateLogger<AttractionReconciler>();
            var perSpeaker = await Task.WhenAll(speakers.Speakers.Select(speaker =>
                new AttractionReconciler([speaker], reconcilerLogger).ReconcileAsync(new HashSet<Attraction>(), CancellationToken.None)));
            var results = perSpeaker.SelectMany(result => result).ToList();
            foreach (var action in results.SelectMany(result => result.Actions))
            {
                LogWithdrawn(logger, action.Attraction.Prefix.ToString(), action.Speaker);
            }

            LeftoverEngines.End(config, logger);
            return results.All(result => result.Succeeded) ? ExitCodes.Ok : ExitCodes.RuntimeFailure;
        }
        finally
        {
            foreach (var owned in speakers.Owned)
            {
                owned.Dispose();
            }
        }
    }

    [LoggerMessage(EventId = AppEventIds.GuardDaemonGone, Level = LogLevel.Error, Message = "the border daemon of {Gateway} is gone; withdrawing its attractions")]
    private static partial void LogDaemonGone(ILogger logger, string gateway);

    [LoggerMessage(EventId = AppEventIds.GuardWithdrew, Level = LogLevel.Error, Message = "border daemon gone; withdrew {Prefix} from {Speaker}")]
    private static partial void LogWithdrawn(ILogger logger, string prefix, string speaker);
}
