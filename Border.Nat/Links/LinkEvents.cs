using System.Threading.Channels;
using Border.Nat.Health;
using Border.Routing.Health;

namespace Border.Nat.Links;

/// <summary>A link's usability as health events: a failure the moment the kernel reports the link down or deleted,
/// a recovery when it is usable again. The uplink's interface is watched this way, so a gateway whose way out went
/// down withdraws at once instead of waiting for its BGP session to time out.</summary>
/// <remarks>The state is read once when watching starts and published, so the check shows from the first moment;
/// after that only changes are published.</remarks>
internal sealed class LinkEvents(string device, ILinkWatcher watcher, IIpLinks links, TimeProvider time) : IHealthEventSource, IDisposable
{
    private const int Unknown = -1;
    private readonly HealthEventStream events = new();
    private readonly Lock gate = new();
    private IDisposable? watch;
    private int usable = Unknown;

    /// <summary>The name of the event check: <c>link DEVICE</c>.</summary>
    public string Check { get; } = $"link {device}";

    public ChannelReader<CheckResult> Events => events.Events;

    /// <summary>Starts watching, then reads and publishes the link's state now.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            watch ??= watcher.Watch(device, OnChanged);
        }

        LinkState? state;
        try
        {
            state = await links.GetLinkAsync(device, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Publish(false, $"link {device} could not be read: {ex.Message}");
            return;
        }

        OnChanged(state);
    }

    public void Dispose()
    {
        lock (gate)
        {
            watch?.Dispose();
            watch = null;
        }

        events.Complete();
    }

    /// <summary>Publishes only a change: the kernel repeats a link's state for every flag or address it touches.</summary>
    private void OnChanged(LinkState? state)
    {
        var now = state is { Usable: true } ? 1 : 0;
        if (Interlocked.Exchange(ref usable, now) != now)
        {
            Publish(now == 1, Describe(state));
        }
    }

    private string Describe(LinkState? state) => state switch
    {
        null => $"link {device} missing",
        { Usable: false } => $"link {device} down (operstate {state.OperState}{(state.AdminUp ? "" : ", set down")})",
        _ => $"link {device} up",
    };

    private void Publish(bool healthy, string reason) =>
        events.Publish(CheckRun.Now(Check, time, healthy ? Finding.Pass(reason) : Finding.Fail(reason)));
}
