namespace Border.App.Logging;

/// <summary>Every log event id of the border executable, in one table (Border.Nat uses 1000-1999, Border.Routing 2000-2999).</summary>
internal static class AppEventIds
{
    public const int ControlRequestRefused = 3100;
    public const int ControlConnectionFailed = 3101;
    public const int MetricsScrapeFailed = 3200;
    public const int EngineCountersUnreadable = 3201;

    public const int ServiceUp = 3300;
    public const int ServiceDown = 3301;
    public const int ServiceHeldDown = 3302;
    public const int ServiceStarting = 3303;
    public const int UplinkUp = 3304;
    public const int UplinkDown = 3305;
    public const int Announced = 3310;
    public const int WithdrawnForFault = 3311;
    public const int WithdrawnForDrain = 3312;
    public const int WithdrawnStale = 3313;
    public const int WithdrawnOnStop = 3314;
    public const int SpeakerBehind = 3315;
    public const int CheckReportDropped = 3316;

    public const int DaemonStarted = 3400;
    public const int DaemonStopping = 3401;
    public const int DaemonStopUnfinished = 3419;
    public const int DaemonStartFailed = 3405;
    public const int GuardDaemonGone = 3406;
    public const int GuardWithdrew = 3407;
    public const int LeftoverEngineEnded = 3408;
    public const int EngineApplyFailed = 3402;
    public const int ReloadApplied = 3403;
    public const int ReloadRefused = 3404;
    public const int EngineApplied = 3409;
    public const int ReloadDone = 3410;
    public const int ReloadEngine = 3411;
    public const int EngineReapplying = 3412;
    public const int GuardWithdrawFailed = 3420;
    public const int ControlHandlerFailed = 3102;
    public const int ControlSocketRootOnly = 3103;
    public const int ControlPeerUnnamed = 3104;
}
