namespace Border.Routing.Attractions;

/// <summary>A thing the gateway offers the site; each attracts a fixed set of prefixes.</summary>
public enum Service
{
    /// <summary>IPv4 to the Internet through source NAT to the IPv4 pool.</summary>
    Nat44,

    /// <summary>IPv6 to the Internet through source NAT to the IPv6 pool.</summary>
    Nat66,

    /// <summary>IPv6-only clients to IPv4 servers through the NAT64 prefix.</summary>
    Nat64,

    /// <summary>The DNS64 resolver on the anycast addresses.</summary>
    Dns64,
}

/// <summary>Service names as operators type and read them.</summary>
public static class ServiceNames
{
    /// <summary>Every service, in the order border reports them.</summary>
    public static IReadOnlyList<Service> All { get; } = [Service.Nat44, Service.Nat66, Service.Nat64, Service.Dns64];

    /// <summary>The lower-case name used in config, CLI and logs (<c>nat64</c>).</summary>
    public static string Name(this Service service) => service switch
    {
        Service.Nat44 => "nat44",
        Service.Nat66 => "nat66",
        Service.Nat64 => "nat64",
        Service.Dns64 => "dns64",
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "unknown service"),
    };

    /// <summary>Parses a lower-case service name.</summary>
    public static bool TryParse(string text, out Service service)
    {
        foreach (var candidate in All)
        {
            if (candidate.Name() == text)
            {
                service = candidate;
                return true;
            }
        }

        service = default;
        return false;
    }
}
