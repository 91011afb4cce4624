namespace Border.Tests;

/// <summary>Where the repository's files are, seen from a test run.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Examples => Path.Combine(RepositoryRoot, "examples");

    public static IEnumerable<string> ExampleConfigs() =>
        Directory.GetFiles(Examples, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Border.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Border.sln not found above {AppContext.BaseDirectory}");
    }
}
