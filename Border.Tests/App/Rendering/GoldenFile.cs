namespace Border.Tests.App.Rendering;

/// <summary>Compares rendered text with a file under Golden/; <c>BORDER_REGENERATE_GOLDEN=1</c> rewrites the files instead.</summary>
internal static class GoldenFile
{
    public static string Directory { get; } = Path.Combine(TestPaths.RepositoryRoot, "Border.Tests", "App", "Rendering", "Golden");

    private static bool Regenerate => Environment.GetEnvironmentVariable("BORDER_REGENERATE_GOLDEN") == "1";

    /// <summary>Compares with the golden file; an artefact that is not rendered (<see langword="null"/>) must have none.</summary>
    public static void AssertMatches(string relativePath, string? actual)
    {
        var path = Path.Combine(Directory, relativePath);
        if (actual is null)
        {
            if (Regenerate)
            {
                File.Delete(path);
            }

            Assert.False(File.Exists(path), $"{path} exists but the artefact is no longer rendered: regenerate with BORDER_REGENERATE_GOLDEN=1");
            return;
        }

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
