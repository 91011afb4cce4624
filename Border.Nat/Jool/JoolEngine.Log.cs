using Microsoft.Extensions.Logging;

namespace Border.Nat.Jool;

internal sealed partial class JoolEngine
{
    [LoggerMessage(EventId = NatEventIds.JoolApplied, Level = LogLevel.Information, Message = "jool instance {Instance} applied")]
    private partial void LogApplied(string instance);

    [LoggerMessage(EventId = NatEventIds.JoolUnchanged, Level = LogLevel.Debug, Message = "jool instance {Instance} unchanged; nothing applied")]
    private partial void LogUnchanged(string instance);

    [LoggerMessage(EventId = NatEventIds.JoolRecreating, Level = LogLevel.Warning, Message = "jool instance {Instance} removed to take the new pool6 {Pool6}; its sessions are lost")]
    private partial void LogRecreating(string instance, string pool6);

    [LoggerMessage(EventId = NatEventIds.JoolModuleLoaded, Level = LogLevel.Warning, Message = "{Missing}; loaded it with modprobe {Module} to apply instance {Instance}")]
    private partial void LogModuleLoaded(string missing, string module, string instance);

    [LoggerMessage(EventId = NatEventIds.JoolUnhealthy, Level = LogLevel.Error, Message = "jool unhealthy: {Reason}")]
    private partial void LogUnhealthy(string reason);
}
