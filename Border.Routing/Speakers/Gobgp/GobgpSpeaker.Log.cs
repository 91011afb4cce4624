using Border.Routing.Logging;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Speakers.Gobgp;

internal sealed partial class GobgpSpeaker
{
    [LoggerMessage(EventId = RoutingEventIds.GobgpPathAdded, Level = LogLevel.Information,
        Message = "gobgp: added {Prefix} ({Attributes}), uuid {Uuid}")]
    private partial void LogAdded(string prefix, string attributes, string uuid);

    [LoggerMessage(EventId = RoutingEventIds.GobgpPathDeleted, Level = LogLevel.Information,
        Message = "gobgp: deleted {Prefix} by uuid {Uuid}")]
    private partial void LogDeleted(string prefix, string uuid);

    [LoggerMessage(EventId = RoutingEventIds.GobgpStalePathDeleted, Level = LogLevel.Information,
        Message = "gobgp: deleted {Prefix} by its border path identifier (no uuid from this run)")]
    private partial void LogStaleDeleted(string prefix);
}
