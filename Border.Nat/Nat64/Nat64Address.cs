using System.Net;
using System.Net.Sockets;

namespace Border.Nat.Nat64;

/// <summary>IPv4 addresses embedded in a NAT64 prefix (RFC 6052).</summary>
internal static class Nat64Address
{
    private const int Nat64PrefixLength = 96;

    /// <summary>The IPv6 address a client uses to reach <paramref name="ipv4"/>: the prefix's first 96 bits, then
    /// the IPv4 address. Only /96 prefixes are used here, which need no suffix and no u-octet.</summary>
    public static IPAddress Embed(IPNetwork prefix, IPAddress ipv4)
    {
        if (prefix.PrefixLength != Nat64PrefixLength || prefix.BaseAddress.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"NAT64 prefix {prefix} is not an IPv6 /96", nameof(prefix));
        }

        if (ipv4.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"{ipv4} is not an IPv4 address", nameof(ipv4));
        }

        var bytes = prefix.BaseAddress.GetAddressBytes();
        ipv4.GetAddressBytes().CopyTo(bytes, 12);
        return new IPAddress(bytes);
    }
}
