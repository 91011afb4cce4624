using System.CommandLine;

namespace Border.App.Cli;

/// <summary><c>border validate FILE</c>: checks a config file completely, changing nothing.</summary>
internal sealed class ValidateCommand : Command
{
    public ValidateCommand()
        : base("validate", "Check a gateway config file and report every error in it, with the field, the value and the rule. Changes nothing. Exits 0 when valid, 1 when not.")
    {
        Add(File);
    }

    public Argument<FileInfo> File { get; } = ConfigFileArgument.Create();
}
