using Microsoft.Extensions.Logging;

namespace Border.Nat.Nftables;

internal sealed partial class NftablesEngine
{
    [LoggerMessage(EventId = NatEventIds.NftablesApplied, Level = LogLevel.Information, Message = "nftables table inet {Table} applied")]
    private partial void LogApplied(string table);

    [LoggerMessage(EventId = NatEventIds.NftablesUnchanged, Level = LogLevel.Debug, Message = "nftables table inet {Table} unchanged; nothing applied")]
    private partial void LogUnchanged(string table);

    [LoggerMessage(EventId = NatEventIds.NftablesDrift, Level = LogLevel.Error, Message = "nftables drift: {Reason}")]
    private partial void LogDrift(string reason);

    [LoggerMessage(EventId = NatEventIds.NftablesHealed, Level = LogLevel.Warning, Message = "nftables table inet {Table} re-applied after drift")]
    private partial void LogHealed(string table);

    [LoggerMessage(EventId = NatEventIds.NftablesHealFailed, Level = LogLevel.Error, Message = "nftables drift could not be healed: {Reason}")]
    private partial void LogHealFailed(string reason);
}
