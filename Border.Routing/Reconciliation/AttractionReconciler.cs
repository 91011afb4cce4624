using Border.Routing.Attractions;
using Border.Routing.Speakers;
using Microsoft.Extensions.Logging;

namespace Border.Routing.Reconciliation;

/// <summary>Makes every speaker hold exactly the desired attractions it carries.</summary>
/// <remarks>
/// Level-triggered: each pass reads what the speaker really holds, computes the difference to the desired set
/// and applies only that, withdrawals first so a gateway never briefly attracts more than it should. Nothing is
/// remembered between passes, so a restarted daemon (which holds nothing) is simply filled again, and a pass
/// over a speaker that is in sync sends it nothing. A prefix held with other attributes is re-announced, which
/// replaces the old announcement in place instead of withdrawing it. The speakers are reconciled side by side, so a
/// withdrawal upstream never waits for one into the site; one speaker failing does not stop the others.
/// </remarks>
internal sealed partial class AttractionReconciler
{
    private readonly IReadOnlyList<IRouteSpeaker> speakers;
    private readonly ILogger logger;

    public AttractionReconciler(IReadOnlyList<IRouteSpeaker> speakers, ILogger<AttractionReconciler> logger)
    {
        this.speakers = speakers;
        this.logger = logger;
    }

    public async Task<IReadOnlyList<SpeakerReconcileResult>> ReconcileAsync(
        IReadOnlySet<Attraction> desired,
        CancellationToken cancellationToken) =>
        await Task.WhenAll(speakers.Select(speaker => ReconcileAsync(speaker, desired.Where(speaker.Carries).ToHashSet(), cancellationToken))).ConfigureAwait(false);

    private async Task<SpeakerReconcileResult> ReconcileAsync(IRouteSpeaker speaker, IReadOnlySet<Attraction> desired, CancellationToken cancellationToken)
    {
        var actions = new List<ReconcileAction>();
        try
        {
            var held = await speaker.GetHeldAsync(cancellationToken).ConfigureAwait(false);
            foreach (var action in Plan(speaker, desired, held))
            {
                await ApplyAsync(speaker, action, cancellationToken).ConfigureAwait(false);
                actions.Add(action);
                LogChange(action.ToString());
            }

            if (actions.Count == 0)
            {
                LogInSync(speaker.Name);
            }

            return new SpeakerReconcileResult(speaker.Name, actions, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSpeakerFailed(speaker.Name, actions.Count, ex.Message);
            return new SpeakerReconcileResult(speaker.Name, actions, ex.Message);
        }
    }

    /// <summary>The changes that turn <paramref name="held"/> into <paramref name="desired"/>, withdrawals first.</summary>
    internal static IReadOnlyList<ReconcileAction> Plan(IRouteSpeaker speaker, IReadOnlySet<Attraction> desired, IReadOnlySet<Attraction> held)
    {
        var desiredPrefixes = desired.Select(attraction => attraction.Prefix).ToHashSet();
        var heldPrefixes = held.Select(attraction => attraction.Prefix).ToHashSet();
        var withdrawals = held
            .Where(attraction => !desiredPrefixes.Contains(attraction.Prefix))
            .Select(attraction => new ReconcileAction(speaker.Name, ReconcileVerb.Withdraw, attraction, ReconcileReasons.NotDesired));
        var announcements = desired
            .Where(attraction => !held.Contains(attraction))
            .Select(attraction => new ReconcileAction(
                speaker.Name,
                ReconcileVerb.Announce,
                attraction,
                heldPrefixes.Contains(attraction.Prefix) ? ReconcileReasons.AttributesDiffer : ReconcileReasons.Missing));
        return [.. withdrawals.OrderBy(Order), .. announcements.OrderBy(Order)];
    }

    private static string Order(ReconcileAction action) => action.Attraction.ToString();

    private static Task ApplyAsync(IRouteSpeaker speaker, ReconcileAction action, CancellationToken cancellationToken) =>
        action.Verb == ReconcileVerb.Announce
            ? speaker.AnnounceAsync(action.Attraction, cancellationToken)
            : speaker.WithdrawAsync(action.Attraction, cancellationToken);
}
