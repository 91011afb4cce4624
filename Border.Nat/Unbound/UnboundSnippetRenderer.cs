using System.Text;

namespace Border.Nat.Unbound;

/// <summary>Renders the Unbound configuration snippet border includes: DNS64 on the anycast addresses.</summary>
internal static class UnboundSnippetRenderer
{
    public static string Render(UnboundOptions options)
    {
        var text = new StringBuilder();
        text.Append("server:\n");
        foreach (var address in options.ListenAddresses)
        {
            text.Append("\tinterface: ").Append(address).Append('\n');
        }

        // The anycast addresses may be added after Unbound starts; freebind lets it bind them anyway.
        text.Append("\tip-freebind: yes\n");
        text.Append("\taccess-control: 0.0.0.0/0 refuse\n");
        text.Append("\taccess-control: ::/0 refuse\n");
        foreach (var client in options.AllowedClients)
        {
            text.Append("\taccess-control: ").Append(client).Append(" allow\n");
        }

        text.Append("\tmodule-config: \"dns64 iterator\"\n");
        text.Append("\tdns64-prefix: ").Append(options.Dns64Prefix).Append('\n');
        text.Append("\tdns64-synthall: ").Append(options.SynthesizeAll ? "yes" : "no").Append('\n');
        foreach (var zone in options.Zones)
        {
            text.Append('\n').Append(zone.Kind == UnboundZoneKind.Stub ? "stub-zone:\n" : "forward-zone:\n");
            text.Append("\tname: \"").Append(zone.Name).Append("\"\n");
            var key = zone.Kind == UnboundZoneKind.Stub ? "stub-addr" : "forward-addr";
            foreach (var server in zone.Servers)
            {
                text.Append('\t').Append(key).Append(": ").Append(server).Append('\n');
            }
        }

        return text.ToString();
    }
}
