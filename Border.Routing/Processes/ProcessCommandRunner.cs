using System.ComponentModel;
using System.Diagnostics;

namespace Border.Routing.Processes;

/// <summary>Runs commands as child processes, with a timeout that kills the whole process tree.</summary>
public sealed class ProcessCommandRunner : ICommandRunner
{
    /// <summary>How long a killed child may take to exit before the runner gives up waiting for it.</summary>
    private static readonly TimeSpan ReapTimeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    public async Task<CommandResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new CommandFailedException($"{CommandRunnerExtensions.Describe(program, arguments)} could not start: {ex.Message}", inner: ex);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), deadline.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillAsync(process, program, arguments).ConfigureAwait(false);
            throw new CommandFailedException(
                $"{CommandRunnerExtensions.Describe(program, arguments)} did not finish within {timeout.TotalMilliseconds:0} ms and was killed");
        }
        catch (OperationCanceledException)
        {
            await KillAsync(process, program, arguments).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills the child's whole tree and waits until the child is reaped, so that whoever hears of the
    /// timeout or the cancellation next (a retry, a restart of the same tool) never finds it still running or
    /// a zombie.</summary>
    private static async Task KillAsync(Process process, string program, IReadOnlyList<string> arguments)
    {
        process.Kill(entireProcessTree: true);
        using var reaped = new CancellationTokenSource(ReapTimeout);
        try
        {
            await process.WaitForExitAsync(reaped.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (reaped.IsCancellationRequested)
        {
            // Only a process stuck in the kernel (state D) outlives SIGKILL this long; a caller must hear of it.
            throw new CommandFailedException(
                $"{CommandRunnerExtensions.Describe(program, arguments)} (pid {process.Id}) was killed but had not exited {ReapTimeout.TotalSeconds:0} s later");
        }
    }
}
