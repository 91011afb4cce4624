using Border.Routing.Attractions;

namespace Border.Routing.Reconciliation;

/// <summary>What reconcile did to one attraction at one speaker, and why.</summary>
/// <param name="Reason">A stable reason code (<see cref="ReconcileReasons"/>) that logs and status show.</param>
public sealed record ReconcileAction(string Speaker, ReconcileVerb Verb, Attraction Attraction, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Speaker}: {Verb.ToString().ToLowerInvariant()} {Attraction} ({Reason})";
}

/// <summary>The two changes a speaker can be asked for.</summary>
public enum ReconcileVerb
{
    /// <summary>The attraction was announced.</summary>
    Announce,

    /// <summary>The attraction was withdrawn.</summary>
    Withdraw,
}

/// <summary>The reason codes reconcile gives its actions.</summary>
public static class ReconcileReasons
{
    /// <summary>Desired, and the speaker did not hold it (first start, or the daemon restarted and lost it).</summary>
    public const string Missing = "desired-not-held";

    /// <summary>The speaker held the prefix with other attributes than desired.</summary>
    public const string AttributesDiffer = "attributes-differ";

    /// <summary>Held, and no longer desired (a service went down or was drained, or a stale path of an earlier run).</summary>
    public const string NotDesired = "held-not-desired";
}

/// <summary>One reconcile pass at one speaker: what it changed, or why it could not.</summary>
public sealed record SpeakerReconcileResult(string Speaker, IReadOnlyList<ReconcileAction> Actions, string? Error)
{
    /// <summary>Whether the speaker now holds the desired set, as far as this pass could tell.</summary>
    public bool Succeeded => Error is null;
}
