using System.Text;

namespace Border.Nat.Tools;

/// <summary>Config files border writes for a tool: replaced whole, by rename, and only when their text changes.</summary>
internal static class ConfigFile
{
    /// <summary>The file's text, or <see langword="null"/> when it does not exist.</summary>
    public static async Task<string?> ReadAsync(string path, CancellationToken cancellationToken) =>
        File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>Writes <paramref name="text"/> unless the file already holds it; returns whether it changed.</summary>
    /// <remarks>The text goes to a sibling file first and is renamed over the old one, so a reader (or a tool
    /// started meanwhile) sees the old file or the new one, never half of one.</remarks>
    public static async Task<bool> WriteIfChangedAsync(string path, string text, CancellationToken cancellationToken)
    {
        if (await ReadAsync(path, cancellationToken).ConfigureAwait(false) == text)
        {
            return false;
        }

        await ReplaceAsync(path, text, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Puts back what <see cref="ReadAsync"/> returned earlier: the old text, or no file at all.</summary>
    public static async Task RestoreAsync(string path, string? previous, CancellationToken cancellationToken)
    {
        if (previous is null)
        {
            File.Delete(path);
            return;
        }

        await ReplaceAsync(path, previous, cancellationToken).ConfigureAwait(false);
    }

    private static async Task ReplaceAsync(string path, string text, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        await File.WriteAllTextAsync(temporary, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken)
            .ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }
}
