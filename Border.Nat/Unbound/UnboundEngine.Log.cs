using Microsoft.Extensions.Logging;

namespace Border.Nat.Unbound;

internal sealed partial class UnboundEngine
{
    [LoggerMessage(EventId = NatEventIds.UnboundApplied, Level = LogLevel.Information, Message = "unbound snippet {Path} applied")]
    private partial void LogApplied(string path);

    [LoggerMessage(EventId = NatEventIds.UnboundUnchanged, Level = LogLevel.Debug, Message = "unbound snippet {Path} unchanged; no reload")]
    private partial void LogUnchanged(string path);

    [LoggerMessage(EventId = NatEventIds.UnboundCheckFailed, Level = LogLevel.Error, Message = "unbound config check failed; the previous snippet stays: {Reason}")]
    private partial void LogCheckFailed(string reason);

    [LoggerMessage(EventId = NatEventIds.UnboundReloaded, Level = LogLevel.Information, Message = "unbound reloaded ({Command})")]
    private partial void LogReloaded(string command);

    [LoggerMessage(EventId = NatEventIds.UnboundKeepCacheRefused, Level = LogLevel.Warning, Message = "unbound refused to keep its cache; reloading fully: {Reason}")]
    private partial void LogKeepCacheRefused(string reason);

    [LoggerMessage(EventId = NatEventIds.UnboundRestarting, Level = LogLevel.Warning, Message = "unbound listen addresses changed; restarting it (interfaces open only on start, the cache is lost)")]
    private partial void LogRestarting();

    [LoggerMessage(EventId = NatEventIds.UnboundStopFailed, Level = LogLevel.Debug, Message = "unbound did not stop (not running?): {Reason}")]
    private partial void LogStopFailed(string reason);
}
