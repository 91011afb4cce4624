using System.Net;

namespace Border.Routing.Uplink;

/// <summary>What a BGP speaker reports about the upstream sessions.</summary>
/// <param name="Sessions">Each neighbour the speaker knows, with its session state as the speaker names it.</param>
/// <param name="DefaultFrom">The neighbours an IPv4 or IPv6 default route was received from.</param>
public sealed record UplinkState(IReadOnlyDictionary<IPAddress, string> Sessions, IReadOnlySet<IPAddress> DefaultFrom);

/// <summary>Reads the upstream sessions from the speaker that carries BGP.</summary>
public interface IUplinkStateSource
{
    /// <summary>The speaker's name, for check names and reasons.</summary>
    string Name { get; }

    /// <summary>Reads the state from the daemon.</summary>
    /// <exception cref="Speakers.SpeakerException">The daemon could not be asked.</exception>
    Task<UplinkState> ReadAsync(CancellationToken cancellationToken);
}
