using Border.Routing.Attractions;

namespace Border.Routing.Speakers;

/// <summary>A routing daemon that carries attractions to neighbours, asked about what it really holds.</summary>
/// <remarks>Implementations keep no belief of their own about what is announced: <see cref="GetHeldAsync"/>
/// reads the daemon every time, so a daemon restart shows up as attractions missing.</remarks>
public interface IRouteSpeaker
{
    /// <summary>The speaker's name in logs and status (<c>gobgp</c>, <c>frr-ospf</c>).</summary>
    string Name { get; }

    /// <summary>Whether this speaker is the one that carries <paramref name="attraction"/>.</summary>
    bool Carries(Attraction attraction);

    /// <summary>The attractions this gateway announces through the daemon now, as the daemon reports them.</summary>
    Task<IReadOnlySet<Attraction>> GetHeldAsync(CancellationToken cancellationToken);

    /// <summary>Announces the attraction, replacing any announcement of the same prefix with other attributes.</summary>
    Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken);

    /// <summary>Withdraws this gateway's announcement of the attraction's prefix; nothing anybody else announced.</summary>
    Task WithdrawAsync(Attraction attraction, CancellationToken cancellationToken);
}
