namespace Border.Routing.Speakers;

/// <summary>The routing daemons border drives.</summary>
public enum SpeakerKind
{
    /// <summary>FRR, through vtysh: OSPF into the site, and BGP where GoBGP is not used.</summary>
    Frr,

    /// <summary>GoBGP, through its gRPC API: BGP upstream.</summary>
    Gobgp,
}
