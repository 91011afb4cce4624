using Microsoft.Extensions.Logging;

namespace Border.Nat.Tayga;

internal sealed partial class TaygaEngine
{
    [LoggerMessage(EventId = NatEventIds.TaygaStarted, Level = LogLevel.Information, Message = "tayga started (pid {Pid})")]
    private partial void LogStarted(int pid);

    [LoggerMessage(EventId = NatEventIds.TaygaExited, Level = LogLevel.Error, Message = "tayga (pid {Pid}) exited ({Exit})")]
    private partial void LogExited(int pid, string exit);

    [LoggerMessage(EventId = NatEventIds.TaygaRestartScheduled, Level = LogLevel.Warning, Message = "tayga restarts in {DelayMs} ms")]
    private partial void LogRestartScheduled(double delayMs);

    [LoggerMessage(EventId = NatEventIds.TaygaStartFailed, Level = LogLevel.Error, Message = "tayga could not start: {Reason}")]
    private partial void LogStartFailed(string reason);

    [LoggerMessage(EventId = NatEventIds.TaygaTunPrepared, Level = LogLevel.Debug, Message = "tun {Device} up with its routes")]
    private partial void LogTunPrepared(string device);

    [LoggerMessage(EventId = NatEventIds.TaygaOutput, Level = LogLevel.Debug, Message = "tayga: {Line}")]
    private partial void LogOutput(string line);
}
