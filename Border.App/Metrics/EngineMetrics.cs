using Border.Nat;
using Microsoft.Extensions.Logging;

namespace Border.App.Metrics;

/// <summary>The engines' own counters (Tayga's mappings, Jool's sessions) as Prometheus samples, read at scrape time.</summary>
/// <remarks>A counter that cannot be read is not a failure of the scrape: its engine's
/// <c>border_engine_counters_readable</c> is 0 and the reason is logged, and every other sample is still served.</remarks>
internal static partial class EngineMetrics
{
    public static async Task<string> RenderAsync(IEnumerable<(string Engine, IEngineCounters Counters)> engines, ILogger logger, CancellationToken cancellationToken)
    {
        var metrics = new MetricsText();
        foreach (var (engine, source) in engines)
        {
            IReadOnlyList<EngineCounter> counters;
            try
            {
                counters = await source.ReadCountersAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogUnreadable(logger, engine, ex.Message);
                metrics.Sample(Readable, "gauge", ReadableHelp, 0, ("engine", engine));
                continue;
            }

            metrics.Sample(Readable, "gauge", ReadableHelp, 1, ("engine", engine));
            foreach (var counter in counters)
            {
                metrics.Sample(counter.Name, "gauge", counter.Help, counter.Value, [.. counter.Labels.Select(label => (label.Key, label.Value))]);
            }
        }

        return metrics.ToString();
    }

    private const string Readable = "border_engine_counters_readable";
    private const string ReadableHelp = "1 when the engine's counters could be read at this scrape.";

    [LoggerMessage(EventId = Logging.AppEventIds.EngineCountersUnreadable, Level = LogLevel.Warning, Message = "{Engine} counters could not be read: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string engine, string problem);
}
