using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

internal sealed partial class GatewayGeneration
{
    [LoggerMessage(EventId = AppEventIds.ReloadEngine, Level = LogLevel.Information, Message = "reload: engine {Engine} {Action} ({Why})")]
    private static partial void LogEngineChange(ILogger logger, string engine, string action, string why);

    [LoggerMessage(EventId = AppEventIds.ReloadEngine, Level = LogLevel.Information, Message = "reload: {Service} {What}")]
    private static partial void LogServiceReload(ILogger logger, string service, string what);
}
