using Border.App.Logging;
using Border.Routing.Attractions;
using Border.Routing.Reconciliation;
using Border.Routing.Speakers;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary>What <c>border guard</c> does with the pipe of <see cref="AttractionGuard"/>: waits on it, and when the
/// daemon's end closes, withdraws everything this gateway announces at every speaker.</summary>
/// <remarks>Every speaker is asked to hold nothing, side by side: one that fails or hangs (vtysh gone, gobgpd
/// unreachable) neither stops nor delays the others' withdrawals, and its failure is logged with the speaker's name
/// and words and makes the outcome a failure.</remarks>
internal sealed partial class GuardWatch(
    TextReader pipe,
    IReadOnlyList<IRouteSpeaker> speakers,
    ILogger logger,
    ILogger<AttractionReconciler> reconcilerLogger)
{
    /// <summary>Waits for the daemon's word or its end; withdraws unless it was released.</summary>
    public async Task<GuardOutcome> WatchAsync(string gateway)
    {
        // The daemon is the only writer: end-of-file means it is gone, however it went.
        if (await pipe.ReadLineAsync().ConfigureAwait(false) == AttractionGuard.ReleaseLine)
        {
            return GuardOutcome.Released;
        }

        LogDaemonGone(logger, gateway);
        // Not cancellable: nobody is left to finish a withdrawal the guard stops halfway.
        var results = await new AttractionReconciler(speakers, reconcilerLogger)
            .ReconcileAsync(new HashSet<Attraction>(), CancellationToken.None).ConfigureAwait(false);
        foreach (var result in results)
        {
            foreach (var action in result.Actions)
            {
                LogWithdrawn(logger, action.Attraction.Prefix.ToString(), action.Speaker);
            }

            if (result.Error is { } error)
            {
                LogWithdrawFailed(logger, result.Speaker, result.Actions.Count, error);
            }
        }

        return new GuardOutcome(false, results);
    }

    [LoggerMessage(EventId = AppEventIds.GuardDaemonGone, Level = LogLevel.Error, Message = "the border daemon of {Gateway} is gone; withdrawing its attractions")]
    private static partial void LogDaemonGone(ILogger logger, string gateway);

    [LoggerMessage(EventId = AppEventIds.GuardWithdrew, Level = LogLevel.Error, Message = "border daemon gone; withdrew {Prefix} from {Speaker}")]
    private static partial void LogWithdrawn(ILogger logger, string prefix, string speaker);

    [LoggerMessage(EventId = AppEventIds.GuardWithdrawFailed, Level = LogLevel.Error, Message = "border daemon gone; could not withdraw everything from {Speaker} ({Withdrawn} withdrawn), it may still announce this gateway's attractions: {Error}")]
    private static partial void LogWithdrawFailed(ILogger logger, string speaker, int withdrawn, string error);
}

/// <summary>How the guard ended: released by a clean stop, or what each speaker's withdrawal did.</summary>
internal sealed record GuardOutcome(bool WasReleased, IReadOnlyList<SpeakerReconcileResult> Speakers)
{
    /// <summary>The daemon let the guard go: nothing was withdrawn.</summary>
    public static GuardOutcome Released { get; } = new(true, []);

    /// <summary>Whether every speaker holds nothing of this gateway now, as far as the guard could tell.</summary>
    public bool Succeeded => Speakers.All(result => result.Succeeded);
}
