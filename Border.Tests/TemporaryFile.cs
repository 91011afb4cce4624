namespace Border.Tests;

/// <summary>A file with the given content, deleted on dispose.</summary>
internal sealed class TemporaryFile : IDisposable
{
    public TemporaryFile(string content)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"border-test-{Guid.NewGuid():N}");
        File.WriteAllText(Path, content);
    }

    public string Path { get; }

    public void Dispose() => File.Delete(Path);
}
