using Border.Routing;

namespace Border.App.Hosting;

/// <summary>What something is built from or depends on, as named parts compared by value: options records (their
/// lists compare by content), schedules, names, numbers.</summary>
internal sealed record Settings(ValueList<(string Part, object? Value)> Parts)
{
    /// <summary>The names of the parts that differ from <paramref name="other"/>'s, or that only one of them has.</summary>
    public IReadOnlyList<string> Differences(Settings other) =>
        [.. Parts.Select(part => part.Part).Union(other.Parts.Select(part => part.Part)).Where(name => !Equals(Value(name), other.Value(name)))];

    private object? Value(string part) => Parts.FirstOrDefault(candidate => candidate.Part == part).Value;
}
