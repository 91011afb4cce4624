using System.Net;
using System.Net.Sockets;

namespace Border.Nat.Jool;

/// <summary>Compares a live instance with the options; each difference is a phrase an operator can act on.</summary>
internal static class JoolInstanceDiff
{
    private const int MaxRowsReported = 3;

    public static IReadOnlyList<string> Compare(JoolOptions wanted, JoolInstanceState live)
    {
        var differences = new List<string>();
        if (live.Framework != "netfilter")
        {
            differences.Add($"framework differs: want netfilter, have {live.Framework}");
        }

        if (live.Pool6 != wanted.Pool6)
        {
            differences.Add($"pool6 differs: want {wanted.Pool6}, have {(live.Pool6?.ToString() ?? "none")}");
        }

        var want = ExpectedPool4(wanted).Select(row => row.ToString()).ToHashSet();
        var have = live.Pool4.Select(row => row.ToString()).ToHashSet();
        var missing = want.Except(have).Order(StringComparer.Ordinal).ToList();
        var unexpected = have.Except(want).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0)
            {
                parts.Add("missing " + Shorten(missing));
            }

            if (unexpected.Count > 0)
            {
                parts.Add("unexpected " + Shorten(unexpected));
            }

            differences.Add("pool4 differs: " + string.Join(", ", parts));
        }

        return differences;
    }

    /// <summary>The rows Jool lists for the options' pool4: every address of the prefix, once per protocol.</summary>
    internal static IEnumerable<Pool4Row> ExpectedPool4(JoolOptions options)
    {
        foreach (var (protocol, ports) in new[] { ("TCP", options.TcpPorts), ("UDP", options.UdpPorts), ("ICMP", options.IcmpIds) })
        {
            foreach (var address in Addresses(options.Pool4))
            {
                yield return new Pool4Row(protocol, address, ports);
            }
        }
    }

    private static IEnumerable<IPAddress> Addresses(IPNetwork prefix)
    {
        if (prefix.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"pool4 {prefix} is not IPv4", nameof(prefix));
        }

        var first = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(prefix.BaseAddress.GetAddressBytes());
        var count = 1u << (32 - prefix.PrefixLength);
        for (var offset = 0u; offset < count; offset++)
        {
            var bytes = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, first + offset);
            yield return new IPAddress(bytes);
        }
    }

    private static string Shorten(List<string> rows)
    {
        var shown = string.Join("; ", rows.Take(MaxRowsReported));
        return rows.Count > MaxRowsReported ? $"{shown} and {rows.Count - MaxRowsReported} more" : shown;
    }
}
