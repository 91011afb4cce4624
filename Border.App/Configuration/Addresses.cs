using System.Net;
using System.Net.Sockets;

namespace Border.App.Configuration;

/// <summary>Address arithmetic and classification the validation rules need.</summary>
internal static class Addresses
{
    /// <summary>IPv4 ranges that are not global (RFC 6890 and the IANA special-purpose registry).</summary>
    private static readonly IPNetwork[] NonGlobalIpv4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("192.88.99.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/3"),
    ];

    public static IPNetwork WellKnownNat64Prefix { get; } = IPNetwork.Parse("64:ff9b::/96");

    public static IPAddress Mask(IPAddress address, int length)
    {
        var bytes = address.GetAddressBytes();
        for (var bit = length; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }

    public static bool IsIpv4(this IPNetwork prefix) => prefix.BaseAddress.AddressFamily == AddressFamily.InterNetwork;

    /// <summary>Whether any address of the IPv4 prefix is outside the global unicast space.</summary>
    public static bool IsNonGlobalIpv4(IPNetwork prefix) =>
        NonGlobalIpv4.Any(range => Overlaps(range, prefix));

    public static bool Overlaps(IPNetwork left, IPNetwork right) =>
        left.BaseAddress.AddressFamily == right.BaseAddress.AddressFamily
        && (left.Contains(right.BaseAddress) || right.Contains(left.BaseAddress));
}
