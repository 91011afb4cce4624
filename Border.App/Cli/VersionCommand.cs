using System.CommandLine;
using System.Reflection;

namespace Border.App.Cli;

/// <summary><c>border version</c>.</summary>
internal sealed class VersionCommand : Command
{
    public VersionCommand()
        : base("version", "Print border's version.")
    {
    }

    public static string Version { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public static int Run(ParseResult parse)
    {
        parse.InvocationConfiguration.Output.WriteLine($"border {Version}");
        return ExitCodes.Ok;
    }
}
