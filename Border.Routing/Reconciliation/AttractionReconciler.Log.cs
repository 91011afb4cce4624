using Border.Routing.Logging;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Reconciliation;

internal sealed partial class AttractionReconciler
{
    [LoggerMessage(EventId = RoutingEventIds.ReconcileChange, Level = LogLevel.Information, Message = "reconcile: {Action}")]
    private partial void LogChange(string action);

    [LoggerMessage(EventId = RoutingEventIds.ReconcileInSync, Level = LogLevel.Debug, Message = "reconcile: {Speaker} in sync")]
    private partial void LogInSync(string speaker);

    [LoggerMessage(EventId = RoutingEventIds.ReconcileSpeakerFailed, Level = LogLevel.Error,
        Message = "reconcile: {Speaker} failed after {Applied} changes: {Error}")]
    private partial void LogSpeakerFailed(string speaker, int applied, string error);
}
