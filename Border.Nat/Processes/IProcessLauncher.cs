namespace Border.Nat.Processes;

/// <summary>Starts long-running child processes border supervises; border stays their parent.</summary>
internal interface IProcessLauncher
{
    /// <summary>Starts <paramref name="program"/> with an argument list; <paramref name="onOutputLine"/> sees each
    /// line it writes to stdout or stderr.</summary>
    /// <exception cref="Border.Routing.Processes.CommandFailedException">The program could not be started.</exception>
    IChildProcess Start(string program, IReadOnlyList<string> arguments, Action<string>? onOutputLine = null);
}

/// <summary>A running child. Its death is learnt from waiting on it, never by polling its PID.</summary>
internal interface IChildProcess : IDisposable
{
    int Id { get; }

    /// <summary>Completes with the exit status the moment the child is reaped.</summary>
    Task<ProcessExit> Exited { get; }

    /// <summary>Ends the child (SIGKILL); <see cref="Exited"/> completes once it is reaped.</summary>
    void Kill();
}

/// <summary>How a child ended, in the shell's convention: codes above 128 mean death by signal (code - 128).</summary>
internal readonly record struct ProcessExit(int Code)
{
    private const int SignalBase = 128;
    private const int HighestSignal = 64;

    public override string ToString() =>
        Code > SignalBase && Code <= SignalBase + HighestSignal
            ? $"code {Code}, signal {Code - SignalBase}"
            : $"code {Code}";
}
