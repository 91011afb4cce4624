using Microsoft.Extensions.Logging;

namespace Border.Nat.Tayga;

internal sealed partial class TaygaEngine
{
    [LoggerMessage(EventId = NatEventIds.TaygaTunPrepared, Level = LogLevel.Debug, Message = "tun {Device} up with its routes")]
    private partial void LogTunPrepared(string device);
}
