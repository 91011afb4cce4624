using Border.App.Configuration;

namespace Border.App.Cli;

/// <summary>Loads a config file for a command, reporting every problem to the error writer.</summary>
internal static class ConfigFileReader
{
    /// <summary>The valid config, or <see langword="null"/> after writing why not to <paramref name="error"/>.</summary>
    public static GatewayConfig? TryLoad(FileInfo file, TextWriter error)
    {
        try
        {
            return ConfigLoader.Load(file.FullName);
        }
        catch (ConfigException ex)
        {
            error.WriteLine(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{file.FullName}: cannot be read: {ex.Message}");
        }

        return null;
    }
}
