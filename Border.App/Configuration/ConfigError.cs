namespace Border.App.Configuration;

/// <summary>One thing wrong with a config file: the field's path, the value found, and the rule it breaks.</summary>
internal sealed record ConfigError(string Path, string? Value, string Rule)
{
    /// <inheritdoc/>
    public override string ToString() => Value is null ? $"{Path}: {Rule}" : $"{Path} {Value}: {Rule}";
}

/// <summary>Thrown when a config file is invalid; carries every error, not only the first.</summary>
internal sealed class ConfigException(string source, IReadOnlyList<ConfigError> errors)
    : Exception($"{source}: {errors.Count} error(s):\n" + string.Join('\n', errors.Select(error => "  " + error)))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;
}
