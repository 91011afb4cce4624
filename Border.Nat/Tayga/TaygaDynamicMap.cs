namespace Border.Nat.Tayga;

/// <summary>Tayga's <c>dynamic.map</c> in its data directory: one line per IPv6 client it has given an address of
/// the dynamic pool, "IPV4 IPV6 LAST-USE" (the time as seconds since the epoch).</summary>
internal static class TaygaDynamicMap
{
    /// <summary>The file's name in Tayga's data directory.</summary>
    public const string FileName = "dynamic.map";

    /// <summary>The gauge's name.</summary>
    public const string Metric = "border_tayga_dynamic_mappings";

    /// <summary>The mappings in the file's text: its lines that hold an IPv4 and an IPv6 address.</summary>
    public static int Count(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Length >= 2
                && System.Net.IPAddress.TryParse(fields[0], out var ipv4) && ipv4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
                && System.Net.IPAddress.TryParse(fields[1], out var ipv6) && ipv6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
}
