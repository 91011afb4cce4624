using Border.Routing;
using Border.Routing.Attractions;
using Border.Routing.Speakers;

namespace Border.App.Rendering;

/// <summary>The attractions as a table an operator reads: protocol, prefix, attributes, speaker, services.</summary>
internal static class AttractionTable
{
    public static string Render(IReadOnlyList<CatalogEntry> entries, RoutingOptions routing) =>
        TextTable.Render(
            ["PROTOCOL", "PREFIX", "ATTRIBUTES", "SPEAKER", "HELD BY"],
            entries.Select(entry => (IReadOnlyList<string>)
            [
                entry.Attraction.ProtocolName,
                entry.Attraction.Prefix.ToString(),
                entry.Attraction.Attributes.ToString() ?? "",
                Speaker(entry.Attraction.Protocol, routing),
                string.Join(",", entry.HeldBy.Select(service => service.Name())),
            ]));

    private static string Speaker(RoutingProtocol protocol, RoutingOptions routing) =>
        protocol == RoutingProtocol.Ospf || routing.Bgp.Speaker == SpeakerKind.Frr ? "frr" : "gobgp";
}
