using System.Runtime.CompilerServices;

namespace Border.Tests;

/// <summary>Compares rendered text with a golden file in the <c>Golden</c> folder beside the calling test; with
/// <c>BORDER_REGENERATE_GOLDEN=1</c> it rewrites the file instead, for a reviewer to read in the diff.</summary>
internal static class GoldenFile
{
    public const string RegenerateVariable = "BORDER_REGENERATE_GOLDEN";

    /// <param name="name">The file's name under Golden/, without the <c>.golden</c> suffix; may contain a folder.</param>
    /// <param name="actual">The rendered text; <see langword="null"/> for an artefact not rendered, which must have no file.</param>
    public static void AssertMatches(string name, string? actual, [CallerFilePath] string caller = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(caller)!, "Golden", name + ".golden");
        if (actual is null)
        {
            if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1")
            {
                File.Delete(path);
            }

            Assert.False(File.Exists(path), $"{path} exists but the artefact is no longer rendered: regenerate with {RegenerateVariable}=1");
            return;
        }

        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests once with {RegenerateVariable}=1 and review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    /// <summary>A golden file of the tests in <paramref name="testFolder"/> (e.g. <c>Nat/Nftables</c>), for feeding to a real tool.</summary>
    public static string PathOf(string testFolder, string name) =>
        Path.Combine(TestPaths.RepositoryRoot, "Border.Tests", testFolder, "Golden", name + ".golden");
}
