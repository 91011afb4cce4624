using Border.Routing.Processes;

namespace Border.Nat.Tools;

/// <summary>The error for a command whose non-zero exit a client inspected before deciding it is a failure.</summary>
internal static class CommandFailures
{
    public static CommandFailedException Exited(string program, IReadOnlyList<string> arguments, CommandResult result)
    {
        var detail = string.IsNullOrWhiteSpace(result.StandardError) ? result.StandardOutput : result.StandardError;
        return new CommandFailedException(
            $"{CommandRunnerExtensions.Describe(program, arguments)} exited with code {result.ExitCode}: {detail.Trim()}", result);
    }
}
