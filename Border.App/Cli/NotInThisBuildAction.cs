using System.CommandLine;

namespace Border.App.Cli;

/// <summary>The daemon is declared so its help is complete; this build has no daemon yet.</summary>
internal static class NotInThisBuildAction
{
    public static int Run(ParseResult parse)
    {
        parse.InvocationConfiguration.Error.WriteLine(
            $"border {parse.CommandResult.Command.Name}: not available in border {VersionCommand.Version}: this build validates and renders configs only");
        return ExitCodes.RuntimeFailure;
    }
}
