using Border.Routing.Logging;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Speakers.Frr;

internal sealed partial class FrrOspfSpeaker
{
    [LoggerMessage(EventId = RoutingEventIds.FrrConfigApplied, Level = LogLevel.Information, Message = "frr-ospf: {Verb} {Attraction}")]
    private partial void LogApplied(string verb, string attraction);
}
