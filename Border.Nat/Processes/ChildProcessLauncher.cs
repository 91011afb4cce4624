using System.ComponentModel;
using System.Diagnostics;
using Border.Routing.Processes;

namespace Border.Nat.Processes;

/// <summary><see cref="IProcessLauncher"/> over <see cref="Process"/>: no shell, output drained so the child never blocks.</summary>
internal sealed class ChildProcessLauncher : IProcessLauncher
{
    public IChildProcess Start(string program, IReadOnlyList<string> arguments, Action<string>? onOutputLine = null)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Forward(line.Data, onOutputLine);
        process.ErrorDataReceived += (_, line) => Forward(line.Data, onOutputLine);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new CommandFailedException($"{CommandRunnerExtensions.Describe(program, arguments)} could not start: {ex.Message}", inner: ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Child(process);
    }

    private static void Forward(string? line, Action<string>? onOutputLine)
    {
        if (line is not null)
        {
            onOutputLine?.Invoke(line);
        }
    }

    private sealed class Child : IChildProcess
    {
        private readonly Process process;

        public Child(Process process)
        {
            this.process = process;
            Id = process.Id;
            Exited = WaitAsync(process);
        }

        public int Id { get; }

        public Task<ProcessExit> Exited { get; }

        public void Kill()
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited and reaped: nothing left to end.
            }
        }

        public void Dispose() => process.Dispose();

        private static async Task<ProcessExit> WaitAsync(Process process)
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            return new ProcessExit(process.ExitCode);
        }
    }
}
