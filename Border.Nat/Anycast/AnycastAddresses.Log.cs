using Microsoft.Extensions.Logging;

namespace Border.Nat.Anycast;

internal sealed partial class AnycastAddresses
{
    [LoggerMessage(EventId = NatEventIds.AnycastAdded, Level = LogLevel.Information, Message = "anycast {Address} added to {Device}")]
    private partial void LogAdded(string address, string device);

    [LoggerMessage(EventId = NatEventIds.AnycastLinkCreated, Level = LogLevel.Information, Message = "anycast interface {Device} created ({Kind})")]
    private partial void LogCreated(string device, string kind);

    [LoggerMessage(EventId = NatEventIds.AnycastRemoved, Level = LogLevel.Information, Message = "anycast {Address} removed from {Device}")]
    private partial void LogRemoved(string address, string device);
}
