using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Border.Nat.Nftables;

/// <summary>Renders the one nftables table border owns, as text <c>nft -f</c> applies in one transaction.</summary>
/// <remarks>
/// The script first declares the table, then deletes it, then defines it whole: declaring makes the delete
/// succeed on a first apply, and delete-then-define inside one transaction replaces every chain and rule
/// atomically without touching any other table.
/// Each source prefix gets a rule of its own rather than a place in an anonymous set: nft sorts a set and merges
/// adjacent prefixes into ranges when it lists it back, so a set would never read back as rendered and the
/// drift check would re-apply for ever. A host prefix is written as the bare address, as nft lists it.
/// </remarks>
internal static class NftRulesetRenderer
{
    /// <summary>The table's definition alone, as <c>nft list table</c> prints it back.</summary>
    public static string RenderTable(NftablesOptions options)
    {
        var text = new StringBuilder();
        text.Append("table inet ").Append(options.Table).Append(" {\n");
        text.Append("\tchain forward {\n");
        text.Append("\t\ttype filter hook forward priority filter; policy drop;\n");
        text.Append("\t\tct state established,related accept\n");
        text.Append("\t\tct state invalid drop\n");
        foreach (var rule in options.Forwards)
        {
            foreach (var source in rule.Sources)
            {
                text.Append("\t\tiifname \"").Append(rule.IngressInterface).Append("\" oifname \"").Append(rule.EgressInterface).Append("\" ");
                text.Append(Match("saddr", source));
                if (rule.Destination is { } destination)
                {
                    text.Append(' ').Append(Match("daddr", destination));
                }

                text.Append(" ct state new accept comment \"").Append(rule.Service).Append("\"\n");
            }
        }

        text.Append("\t}\n\n");
        text.Append("\tchain postrouting {\n");
        text.Append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        foreach (var nat in options.SourceNats)
        {
            foreach (var source in nat.Sources)
            {
                text.Append("\t\toifname \"").Append(options.UplinkInterface).Append("\" ").Append(Match("saddr", source));
                text.Append(" snat ").Append(Family(nat.Pool)).Append(" to ").Append(AsListed(nat.Pool));
                text.Append(" comment \"").Append(nat.Service).Append("\"\n");
            }
        }

        text.Append("\t}\n");
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>The script that replaces border's table in one transaction.</summary>
    public static string RenderScript(NftablesOptions options) =>
        $"table inet {options.Table}\ndelete table inet {options.Table}\n" + RenderTable(options);

    private static string Match(string field, IPNetwork prefix) => $"{Family(prefix)} {field} {AsListed(prefix)}";

    private static string Family(IPNetwork prefix) =>
        prefix.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? "ip" : "ip6";

    /// <summary>A prefix as nft prints it back: a host prefix as the bare address.</summary>
    /// <remarks>nft also accepts a pool as a range, but lists an aligned range as its prefix; rendering the prefix
    /// keeps the rendering equal to the read-back, so drift detection compares like with like.</remarks>
    internal static string AsListed(IPNetwork prefix) =>
        prefix.PrefixLength == prefix.BaseAddress.GetAddressBytes().Length * 8 ? prefix.BaseAddress.ToString() : prefix.ToString();
}
