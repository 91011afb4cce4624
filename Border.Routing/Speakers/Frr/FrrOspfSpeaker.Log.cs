using Border.Routing.Logging;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Speakers.Frr;

internal sealed partial class FrrOspfSpeaker
{
    [LoggerMessage(EventId = RoutingEventIds.FrrConfigApplied, Level = LogLevel.Information, Message = "frr-ospf: {Verb} {Attraction}")]
    private partial void LogApplied(string verb, string attraction);

    [LoggerMessage(
        EventId = RoutingEventIds.FrrOspfSlowWithdrawal,
        Level = LogLevel.Warning,
        Message = "frr-ospf: withdraw {Attraction} through the prefix-list alone, so it leaves the neighbours only after FRR's delay (about 5 s): its source ({Source}) also carries {Sharing}")]
    private partial void LogSlowWithdrawal(string attraction, string source, string sharing);
}
