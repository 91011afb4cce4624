namespace Border.Routing.Logging;

/// <summary>Every log event id Border.Routing uses, in one table (range 2000-2999), so ids never collide.</summary>
internal static class RoutingEventIds
{
    // Reconciliation: 2000-2099.
    public const int ReconcileChange = 2000;
    public const int ReconcileInSync = 2001;
    public const int ReconcileSpeakerFailed = 2002;

    // GoBGP: 2100-2199.
    public const int GobgpPathAdded = 2100;
    public const int GobgpPathDeleted = 2101;
    public const int GobgpStalePathDeleted = 2102;
    public const int GobgpCallRetried = 2103;

    // FRR: 2200-2299.
    public const int FrrConfigApplied = 2200;
    public const int FrrBgpConfigApplied = 2201;
    public const int FrrOspfSlowWithdrawal = 2202;
    public const int FrrBgpStaleAdvertisement = 2203;
}
