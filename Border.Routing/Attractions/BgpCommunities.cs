using System.Globalization;

namespace Border.Routing.Attractions;

/// <summary>A set of standard BGP communities (RFC 1997), compared by value.</summary>
public sealed class BgpCommunities : IEquatable<BgpCommunities>
{
    /// <summary>The well-known NO_EXPORT community, 65535:65281.</summary>
    public const uint NoExport = 0xFFFFFF01;

    /// <summary>The well-known NO_ADVERTISE community, 65535:65282.</summary>
    public const uint NoAdvertise = 0xFFFFFF02;

    /// <summary>Creates the set; order and repeats do not matter.</summary>
    public BgpCommunities(IEnumerable<uint> values) => Values = [.. values.Distinct().Order()];

    /// <summary>The communities as 32-bit values, sorted.</summary>
    public IReadOnlyList<uint> Values { get; }

    /// <summary>Parses <c>no-export</c>, <c>no-advertise</c> or <c>ASN:VALUE</c> with both parts 0-65535.</summary>
    public static bool TryParse(string text, out uint community)
    {
        switch (text)
        {
            case "no-export":
                community = NoExport;
                return true;
            case "no-advertise":
                community = NoAdvertise;
                return true;
        }

        community = 0;
        var parts = text.Split(':');
        if (parts.Length != 2
            || !ushort.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var high)
            || !ushort.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var low))
        {
            return false;
        }

        community = ((uint)high << 16) | low;
        return true;
    }

    /// <summary>A community in the form operators read: <c>no-export</c> or <c>ASN:VALUE</c>.</summary>
    public static string Format(uint community) => community switch
    {
        NoExport => "no-export",
        NoAdvertise => "no-advertise",
        _ => $"{community >> 16}:{community & 0xFFFF}",
    };

    /// <inheritdoc/>
    public bool Equals(BgpCommunities? other) => other is not null && Values.SequenceEqual(other.Values);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as BgpCommunities);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in Values)
        {
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => Values.Count == 0 ? "none" : string.Join(",", Values.Select(Format));
}
