namespace Border.Routing.Processes;

/// <summary>What an external command did.</summary>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Whether the command exited with status 0.</summary>
    public bool Succeeded => ExitCode == 0;
}
