namespace Border.Tests;

/// <summary>Copies of what a fake keeps under its lock, so a test reads it while background work still writes.</summary>
internal static class Snapshot
{
    public static IReadOnlyList<T> Of<T>(Lock gate, IEnumerable<T> items)
    {
        lock (gate)
        {
            return [.. items];
        }
    }
}
