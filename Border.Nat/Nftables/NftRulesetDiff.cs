namespace Border.Nat.Nftables;

/// <summary>Compares a table as rendered with the table as nft lists it, and says what differs in rule lines.</summary>
internal static class NftRulesetDiff
{
    private const int MaxLinesReported = 3;

    /// <summary>Empty when the two match; otherwise one phrase per kind of difference.</summary>
    public static IReadOnlyList<string> Compare(string expected, string actual)
    {
        var want = Lines(expected);
        var have = Lines(actual);
        if (want.SequenceEqual(have, StringComparer.Ordinal))
        {
            return [];
        }

        var missing = Subtract(want, have);
        var unexpected = Subtract(have, want);
        var differences = new List<string>();
        if (missing.Count > 0)
        {
            differences.Add("missing " + Quote(missing));
        }

        if (unexpected.Count > 0)
        {
            differences.Add("unexpected " + Quote(unexpected));
        }

        if (differences.Count == 0)
        {
            differences.Add("same rules in another order");
        }

        return differences;
    }

    private static List<string> Lines(string text) =>
        [.. text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)];

    /// <summary>The lines of <paramref name="from"/> left after removing one occurrence per line of <paramref name="take"/>.</summary>
    private static List<string> Subtract(List<string> from, List<string> take)
    {
        var left = new List<string>(from);
        foreach (var line in take)
        {
            left.Remove(line);
        }

        return left;
    }

    private static string Quote(List<string> lines)
    {
        var shown = string.Join(", ", lines.Take(MaxLinesReported).Select(line => $"'{line}'"));
        return lines.Count > MaxLinesReported ? $"{shown} and {lines.Count - MaxLinesReported} more" : shown;
    }
}
