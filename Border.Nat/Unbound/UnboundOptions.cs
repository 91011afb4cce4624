using System.Net;
using Border.Routing;

namespace Border.Nat.Unbound;

/// <summary>The DNS64 resolver border configures in Unbound.</summary>
public sealed record UnboundOptions
{
    /// <summary>The resolver's anycast addresses; Unbound listens on exactly these.</summary>
    public required ValueList<IPAddress> ListenAddresses { get; init; }

    /// <summary>The NAT64 prefix synthesized AAAA records are made in.</summary>
    public required IPNetwork Dns64Prefix { get; init; }

    /// <summary>The only clients answered; everybody else is refused, so the resolver is never open.</summary>
    public required ValueList<IPNetwork> AllowedClients { get; init; }

    /// <summary>Synthesize AAAA records even for names that have real ones.</summary>
    /// <value>Defaults to <see langword="false"/>, as RFC 6147 recommends.</value>
    public bool SynthesizeAll { get; init; }

    /// <summary>Zones resolved through given servers instead of by iteration from the root.</summary>
    public ValueList<UnboundZone> Zones { get; init; } = [];
}

/// <summary>How a zone is reached.</summary>
public enum UnboundZoneKind
{
    /// <summary>Ask the zone's authoritative servers directly.</summary>
    Stub,

    /// <summary>Forward queries to recursive resolvers.</summary>
    Forward,
}

/// <summary>A zone resolved through <paramref name="Servers"/>.</summary>
public sealed record UnboundZone(string Name, UnboundZoneKind Kind, ValueList<IPAddress> Servers);
