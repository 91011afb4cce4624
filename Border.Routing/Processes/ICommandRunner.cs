namespace Border.Routing.Processes;

/// <summary>Runs an external program with an argument list; never through a shell.</summary>
public interface ICommandRunner
{
    /// <summary>Runs <paramref name="program"/> to completion and returns its result, whatever its exit code.</summary>
    /// <exception cref="CommandFailedException">The program could not be started, or did not finish within <paramref name="timeout"/>.</exception>
    Task<CommandResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string? standardInput = null,
        CancellationToken cancellationToken = default);
}

/// <summary>Helpers over <see cref="ICommandRunner"/>.</summary>
public static class CommandRunnerExtensions
{
    /// <summary>Runs the program and throws, with its stderr, unless it exits 0.</summary>
    public static async Task<CommandResult> RunCheckedAsync(
        this ICommandRunner runner,
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var result = await runner.RunAsync(program, arguments, timeout, standardInput, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            var detail = string.IsNullOrWhiteSpace(result.StandardError) ? result.StandardOutput : result.StandardError;
            throw new CommandFailedException(
                $"{Describe(program, arguments)} exited with code {result.ExitCode}: {detail.Trim()}", result);
        }

        return result;
    }

    /// <summary>The command as a person would type it, for messages.</summary>
    public static string Describe(string program, IReadOnlyList<string> arguments) =>
        arguments.Count == 0 ? program : program + " " + string.Join(' ', arguments);
}
