using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

internal sealed partial class GatewayDaemon
{
    [LoggerMessage(EventId = AppEventIds.DaemonStarted, Level = LogLevel.Information, Message = "supervising gateway {Gateway} from {ConfigPath}")]
    private partial void LogStarted(string gateway, string configPath);

    [LoggerMessage(EventId = AppEventIds.DaemonStopping, Level = LogLevel.Information, Message = "stopping: {What}")]
    private partial void LogStopping(string what);

    [LoggerMessage(EventId = AppEventIds.DaemonStartFailed, Level = LogLevel.Critical, Message = "cannot start: {Problem}")]
    private partial void LogStartFailed(string problem);

    [LoggerMessage(EventId = AppEventIds.EngineApplyFailed, Level = LogLevel.Error, Message = "{Engine} could not be applied; its services stay down: {Problem}")]
    private static partial void LogApplyFailed(ILogger logger, string engine, string problem);

    [LoggerMessage(EventId = AppEventIds.ReloadApplied, Level = LogLevel.Information, Message = "reload: {ConfigPath} is valid and changed; replacing the running generation")]
    private partial void LogReloadApplied(string configPath);

    [LoggerMessage(EventId = AppEventIds.ReloadRefused, Level = LogLevel.Error, Message = "reload refused, the running config stays: {Problem}")]
    private partial void LogReloadRefused(string problem);
}
