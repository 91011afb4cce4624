namespace Border.App.Logging;

/// <summary>Every log event id of the border executable, in one table (Border.Nat uses 1000-1999, Border.Routing 2000-2999).</summary>
internal static class AppEventIds
{
    public const int ControlRequestRefused = 3100;
    public const int ControlConnectionFailed = 3101;
    public const int MetricsScrapeFailed = 3200;
}
