using System.Runtime.CompilerServices;

namespace Border.Tests.Nat.Golden;

/// <summary>Compares rendered text with a golden file next to the test; with BORDER_REGENERATE_GOLDEN=1 it rewrites
/// the golden file instead, for a reviewer to read in the diff.</summary>
internal static class GoldenFile
{
    public const string RegenerateVariable = "BORDER_REGENERATE_GOLDEN";

    public static void AssertMatches(string name, string actual, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Golden", name + ".golden");
        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests once with {RegenerateVariable}=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    /// <summary>The golden file as copied beside the test assembly, for tests that feed it to the real tool.</summary>
    public static string Copied(string folder, string name) =>
        Path.Combine(AppContext.BaseDirectory, "Nat", folder, "Golden", name + ".golden");
}
