using System.CommandLine;
using Border.App.Hosting;
using Border.App.Logging;
using Border.Routing.Reconciliation;
using Microsoft.Extensions.Logging;

namespace Border.App.Cli;

/// <summary><c>border guard</c>: waits on standard input; at end-of-file (the daemon died) withdraws every attraction.</summary>
internal static class GuardAction
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
            var watch = new GuardWatch(Console.In, speakers.Speakers, logger, loggers.CreateLogger<AttractionReconciler>());
            var outcome = await watch.WatchAsync(config.Name);
            if (outcome.WasReleased)
            {
                return ExitCodes.Ok;
            }

            LeftoverEngines.End(config, logger);
            return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.RuntimeFailure;
        }
        finally
        {
            foreach (var owned in speakers.Owned)
            {
                owned.Dispose();
            }
        }
    }
}
