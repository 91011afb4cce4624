using Border.Routing.Attractions;

namespace Border.App.Hosting;

/// <summary>What a reload does: to each engine of the running config and of the new one, and which services, and
/// whether the uplink, keep their health and so their announcements.</summary>
internal sealed record ReloadChanges(IReadOnlyList<EngineChange> Engines, IReadOnlySet<Service> ServicesKept, bool UplinkKept)
{
    /// <summary>Whether the running engine of that name goes on as it is.</summary>
    public bool KeepsEngine(string name) => Engines.Any(change => change.Engine == name && change.Action == EngineAction.KeptRunning);
}

internal enum EngineAction
{
    KeptRunning,
    RebuiltAndApplied,
    Started,
    Stopped,
}

/// <summary>What a reload does to one engine, and why.</summary>
internal sealed record EngineChange(string Engine, EngineAction Action, string Why)
{
    /// <summary>The action as the log and the reload's answer say it.</summary>
    public string Verb => Action switch
    {
        EngineAction.KeptRunning => "kept running",
        EngineAction.RebuiltAndApplied => "rebuilt and applied",
        EngineAction.Started => "started",
        _ => "stopped",
    };

    public override string ToString() => $"{Engine} {Verb} ({Why})";
}
