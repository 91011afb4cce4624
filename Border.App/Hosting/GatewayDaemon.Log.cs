using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

internal sealed partial class GatewayDaemon
{
    [LoggerMessage(EventId = AppEventIds.DaemonStarted, Level = LogLevel.Information, Message = "supervising gateway {Gateway} from {ConfigPath}")]
    private partial void LogStarted(string gateway, string configPath);

    [LoggerMessage(EventId = AppEventIds.DaemonStopping, Level = LogLevel.Information, Message = "stopping: {What}")]
    private partial void LogStopping(string what);

    [LoggerMessage(EventId = AppEventIds.DaemonStopUnfinished, Level = LogLevel.Error, Message = "stopping: the withdrawal did not finish within {Seconds} s; the engines are ended and the guard withdraws what is left")]
    private partial void LogStopUnfinished(double seconds);

    [LoggerMessage(EventId = AppEventIds.DaemonStartFailed, Level = LogLevel.Critical, Message = "cannot start: {Problem}")]
    private partial void LogStartFailed(string problem);

    [LoggerMessage(EventId = AppEventIds.ReloadApplied, Level = LogLevel.Information, Message = "reload: {ConfigPath} is valid and changed; switching to it")]
    private partial void LogReloadApplied(string configPath);

    [LoggerMessage(EventId = AppEventIds.ReloadApplied, Level = LogLevel.Information, Message = "reload: {ConfigPath} is valid and unchanged; nothing to do")]
    private partial void LogReloadUnchanged(string configPath);

    [LoggerMessage(EventId = AppEventIds.ReloadDone, Level = LogLevel.Information, Message = "reload: now supervising with {ConfigPath}; {Summary}")]
    private partial void LogReloadDone(string configPath, string summary);

    [LoggerMessage(EventId = AppEventIds.ReloadRefused, Level = LogLevel.Error, Message = "reload refused, the running config stays: {Problem}")]
    private partial void LogReloadRefused(string problem);
}
