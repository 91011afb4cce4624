using Border.Routing.Logging;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Speakers.Frr;

internal sealed partial class FrrBgpSpeaker
{
    [LoggerMessage(EventId = RoutingEventIds.FrrBgpConfigApplied, Level = LogLevel.Information, Message = "frr-bgp: {Verb} {Attraction}")]
    private partial void LogApplied(string verb, string attraction);

    [LoggerMessage(
        EventId = RoutingEventIds.FrrBgpStaleAdvertisement,
        Level = LogLevel.Warning,
        Message = "frr-bgp: {Attraction} was still advertised upstream with no network statement (FRR kept it in the adj-out); processing it again to send the withdrawal")]
    private partial void LogStaleAdvertisement(string attraction);
}
