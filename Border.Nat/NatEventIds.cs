namespace Border.Nat;

/// <summary>Every log event id Border.Nat uses, in one table so ids stay unique (1000-1999).</summary>
internal static class NatEventIds
{
    public const int NftablesApplied = 1000;
    public const int NftablesUnchanged = 1001;
    public const int NftablesDrift = 1002;
    public const int NftablesHealed = 1003;
    public const int NftablesHealFailed = 1004;

    public const int TaygaTunPrepared = 1104;

    public const int UnboundApplied = 1200;
    public const int UnboundUnchanged = 1201;
    public const int UnboundCheckFailed = 1202;
    public const int UnboundReloaded = 1203;
    public const int UnboundKeepCacheRefused = 1204;
    public const int UnboundRestarting = 1205;
    public const int UnboundStopFailed = 1206;

    public const int AnycastAdded = 1300;
    public const int AnycastRemoved = 1301;
    public const int AnycastLinkCreated = 1302;

    public const int JoolApplied = 1400;
    public const int JoolUnchanged = 1401;
    public const int JoolUnhealthy = 1402;
    public const int JoolRecreating = 1403;
    public const int JoolModuleLoaded = 1404;

    public const int ChildStarted = 1500;
    public const int ChildExited = 1501;
    public const int ChildRestartScheduled = 1502;
    public const int ChildStartFailed = 1503;
    public const int ChildOutput = 1504;
}
