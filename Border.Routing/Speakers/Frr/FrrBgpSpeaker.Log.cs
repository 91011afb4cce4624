using Border.Routing.Logging;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Speakers.Frr;

internal sealed partial class FrrBgpSpeaker
{
    [LoggerMessage(EventId = RoutingEventIds.FrrBgpConfigApplied, Level = LogLevel.Information, Message = "frr-bgp: {Verb} {Attraction}")]
    private partial void LogApplied(string verb, string attraction);
}
