namespace Border.Routing.Processes;

/// <summary>An external command could not run, timed out, or exited non-zero; the message names it and carries its stderr.</summary>
public sealed class CommandFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandFailedException(string message, CommandResult? result = null, Exception? inner = null)
        : base(message, inner) => Result = result;

    /// <summary>What the command did, when it ran at all.</summary>
    public CommandResult? Result { get; }
}
