using System.Text;

namespace Border.Nat.Tayga;

/// <summary>Renders <c>tayga.conf</c>.</summary>
internal static class TaygaConfigRenderer
{
    public static string Render(TaygaOptions options) =>
        new StringBuilder()
            .Append("tun-device ").Append(options.TunDevice).Append('\n')
            .Append("ipv4-addr ").Append(options.Ipv4Address).Append('\n')
            .Append("prefix ").Append(options.Prefix).Append('\n')
            .Append("dynamic-pool ").Append(options.DynamicPool).Append('\n')
            .Append("data-dir ").Append(options.DataDirectory).Append('\n')
            .ToString();
}
