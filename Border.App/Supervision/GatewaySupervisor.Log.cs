using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Supervision;

internal sealed partial class GatewaySupervisor
{
    [LoggerMessage(EventId = AppEventIds.ServiceUp, Level = LogLevel.Information, Message = "{Service} up: {Reason}")]
    private partial void LogServiceUp(string service, string reason);

    [LoggerMessage(EventId = AppEventIds.ServiceDown, Level = LogLevel.Error, Message = "{Service} down: {Reason}")]
    private partial void LogServiceDown(string service, string reason);

    [LoggerMessage(EventId = AppEventIds.ServiceHeldDown, Level = LogLevel.Warning, Message = "{Service} passes its checks but is {Reason}")]
    private partial void LogServiceHeldDown(string service, string reason);

    [LoggerMessage(EventId = AppEventIds.ServiceStarting, Level = LogLevel.Debug, Message = "{Service} starting: {Reason}")]
    private partial void LogServiceStarting(string service, string reason);

    [LoggerMessage(EventId = AppEventIds.UplinkUp, Level = LogLevel.Information, Message = "uplink up: {Reason}")]
    private partial void LogUplinkUp(string reason);

    [LoggerMessage(EventId = AppEventIds.UplinkDown, Level = LogLevel.Error, Message = "uplink down: {Reason}")]
    private partial void LogUplinkDown(string reason);

    [LoggerMessage(EventId = AppEventIds.Announced, Level = LogLevel.Information, Message = "{Cause}; announced {Prefix} to {Speaker}")]
    private partial void LogAnnounced(string cause, string prefix, string speaker);

    [LoggerMessage(EventId = AppEventIds.WithdrawnForFault, Level = LogLevel.Error, Message = "{Cause}; withdrew {Prefix} from {Speaker}")]
    private partial void LogFaultWithdrawn(string cause, string prefix, string speaker);

    [LoggerMessage(EventId = AppEventIds.WithdrawnForDrain, Level = LogLevel.Warning, Message = "{Cause}; withdrew {Prefix} from {Speaker}")]
    private partial void LogDrainWithdrawn(string cause, string prefix, string speaker);

    [LoggerMessage(EventId = AppEventIds.WithdrawnStale, Level = LogLevel.Warning, Message = "not one of this gateway's attractions (left by an earlier run or config); withdrew {Prefix} from {Speaker}")]
    private partial void LogStaleWithdrawn(string prefix, string speaker);

    [LoggerMessage(EventId = AppEventIds.WithdrawnOnStop, Level = LogLevel.Warning, Message = "border stopping; withdrew {Prefix} from {Speaker}")]
    private partial void LogStopWithdrawal(string prefix, string speaker);

    [LoggerMessage(EventId = AppEventIds.SpeakerBehind, Level = LogLevel.Error, Message = "{Speaker} could not be reconciled, retrying on the next pass: {Error}")]
    private partial void LogSpeakerBehind(string speaker, string error);

    [LoggerMessage(EventId = AppEventIds.CheckReportDropped, Level = LogLevel.Error, Message = "check result of {Check} dropped: {Problem}")]
    private partial void LogReportDropped(string check, string problem);
}
