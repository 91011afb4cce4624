using System.Net;
using Border.Routing.Health;
using Border.Routing.Speakers;

namespace Border.Routing.Uplink;

/// <summary>The uplink check: healthy while a session to a configured upstream is Established and a default route
/// was received on it. A speaker that cannot be asked is a failure with its error as the reason.</summary>
internal sealed class UplinkProbe : IProbe
{
    private const string Established = "Established";
    private readonly IUplinkStateSource source;
    private readonly IReadOnlyList<BgpNeighbor> neighbors;
    private readonly TimeProvider timeProvider;

    public UplinkProbe(IUplinkStateSource source, IReadOnlyList<BgpNeighbor> neighbors, TimeProvider timeProvider)
    {
        this.source = source;
        this.neighbors = neighbors;
        this.timeProvider = timeProvider;
    }

    public string Name => $"uplink {source.Name}";

    public async Task<CheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        string reason;
        var healthy = false;
        try
        {
            var state = await source.ReadAsync(cancellationToken).ConfigureAwait(false);
            (healthy, reason) = Judge(state);
        }
        catch (SpeakerException ex)
        {
            reason = ex.Message;
        }

        return new CheckResult(Name, healthy, reason, timeProvider.GetUtcNow(), timeProvider.GetElapsedTime(started));
    }

    /// <summary>The decision, apart from the asking, so it is tested without a daemon.</summary>
    internal (bool Healthy, string Reason) Judge(UplinkState state)
    {
        var up = neighbors
            .Select(neighbor => neighbor.Address)
            .Where(address => state.Sessions.TryGetValue(address, out var session) && session == Established)
            .ToList();
        if (up.Count == 0)
        {
            var sessions = neighbors.Select(neighbor =>
                $"{neighbor.Address} {(state.Sessions.TryGetValue(neighbor.Address, out var session) ? session : "not configured")}");
            return (false, $"no upstream session Established ({string.Join(", ", sessions)})");
        }

        var defaults = up.Where(state.DefaultFrom.Contains).ToList();
        return defaults.Count == 0
            ? (false, $"session Established with {Join(up)} but no default route received")
            : (true, $"Established, default received from {Join(defaults)}");
    }

    private static string Join(IEnumerable<IPAddress> addresses) => string.Join(", ", addresses);
}
