using System.Net;
using Border.Routing.Attractions;

namespace Border.Tests.Integration.Routing;

/// <summary>The lab gateway gw1's pool attractions (DESIGN's address plan), as both BGP speakers announce them.</summary>
internal static class LabAttractions
{
    public static readonly TimeSpan Convergence = TimeSpan.FromSeconds(20);

    public static readonly BgpAttributes NoExport = new(new BgpCommunities([BgpCommunities.NoExport]));

    public static readonly Attraction Pool4 = new(IPNetwork.Parse("192.0.2.0/30"), NoExport);

    public static readonly Attraction Pool6 = new(IPNetwork.Parse("2001:db8:d78::3:0:0/125"), NoExport);
}
