using System.Text;
using Border.Routing;
using Border.Routing.Attractions;
using Border.Routing.Speakers;

namespace Border.App.Rendering;

/// <summary>The attractions as a table an operator reads: protocol, prefix, attributes, speaker, services.</summary>
internal static class AttractionTable
{
    public static string Render(IReadOnlyList<CatalogEntry> entries, RoutingOptions routing)
    {
        var rows = entries.Select(entry => new[]
        {
            entry.Attraction.ProtocolName,
            entry.Attraction.Prefix.ToString(),
            entry.Attraction.Attributes.ToString() ?? "",
            Speaker(entry.Attraction.Protocol, routing),
            string.Join(",", entry.HeldBy.Select(service => service.Name())),
        }).ToList();
        string[] header = ["PROTOCOL", "PREFIX", "ATTRIBUTES", "SPEAKER", "HELD BY"];
        var widths = header.Select((title, column) => rows.Select(row => row[column].Length).Append(title.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            text.Append(string.Join("  ", row.Select((cell, column) => column == row.Length - 1 ? cell : cell.PadRight(widths[column])))).Append('\n');
        }

        return text.ToString();
    }

    private static string Speaker(RoutingProtocol protocol, RoutingOptions routing) =>
        protocol == RoutingProtocol.Ospf || routing.Bgp.Speaker == SpeakerKind.Frr ? "frr" : "gobgp";
}
