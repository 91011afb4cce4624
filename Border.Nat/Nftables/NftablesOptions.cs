using System.Net;
using Border.Routing;

namespace Border.Nat.Nftables;

/// <summary>What border's own nftables table does: the stateful forward filter and source NAT to the pools.</summary>
public sealed record NftablesOptions
{
    /// <summary>The table border owns in the <c>inet</c> family. Nothing outside it is ever touched.</summary>
    /// <value>Defaults to <c>border</c>.</value>
    public string Table { get; init; } = "border";

    /// <summary>The interface towards the Internet; translated traffic leaves through it.</summary>
    public required string UplinkInterface { get; init; }

    /// <summary>Flows the forward filter lets start; replies to them are let back by connection tracking.</summary>
    public ValueList<ForwardRule> Forwards { get; init; } = [];

    /// <summary>Source translations applied to traffic leaving through <see cref="UplinkInterface"/>.</summary>
    public ValueList<SourceNat> SourceNats { get; init; } = [];
}

/// <summary>New flows from <paramref name="Sources"/> arriving on <paramref name="IngressInterface"/> may leave
/// through <paramref name="EgressInterface"/>; <paramref name="Destination"/> narrows them when set.</summary>
/// <param name="Service">The service the rule serves, rendered as the rule's comment.</param>
public sealed record ForwardRule(
    string Service,
    string IngressInterface,
    string EgressInterface,
    ValueList<IPNetwork> Sources,
    IPNetwork? Destination = null);

/// <summary>Traffic from <paramref name="Sources"/> leaving through the uplink takes an address of <paramref name="Pool"/>.</summary>
/// <param name="Service">The service the translation serves, rendered as the rule's comment.</param>
public sealed record SourceNat(string Service, ValueList<IPNetwork> Sources, IPNetwork Pool);
