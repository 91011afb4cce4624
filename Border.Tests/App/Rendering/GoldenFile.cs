namespace Border.Tests.App.Rendering;

/// <summary>Compares rendered text with a file under Golden/; <c>BORDER_REGENERATE_GOLDEN=1</c> rewrites the files instead.</summary>
internal static class GoldenFile
{
    public static string Directory { get; } = Path.Combine(TestPaths.RepositoryRoot, "Border.Tests", "App", "Rendering", "Golden");

    private static bool Regenerate => Environment.GetEnvironmentVariable("BORDER_REGENERATE_GOLDEN") == "1";

    public static void AssertMatches(string relativePath, string actual)
    {
        var path = Path.Combine(Directory, relativePath);
        if (Regenerate)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"{path} is missing: run the tests once with BORDER_REGENERATE_GOLDEN=1 and review the new file");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
