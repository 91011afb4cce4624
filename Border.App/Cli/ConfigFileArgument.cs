using System.CommandLine;

namespace Border.App.Cli;

/// <summary>The config file argument several commands take.</summary>
internal static class ConfigFileArgument
{
    public static Argument<FileInfo> Create() => new("FILE")
    {
        Description = "The gateway's config file (JSON; comments allowed). See docs/config.md.",
    };
}
