using System.Diagnostics;

namespace Border.App.Hosting;

/// <summary>Keeps the attractions from outliving the daemon: a <c>border guard</c> child that withdraws them all
/// the moment the daemon dies, however it dies.</summary>
/// <remarks>
/// The guard holds the read end of a pipe whose only write end is the daemon's. When the daemon exits for any
/// reason, SIGKILL and crashes included, the kernel closes that end and the guard's read returns end-of-file at
/// once: no polling, no systemd. It then withdraws everything this gateway announces, at every speaker, and
/// exits. A clean stop, which has already withdrawn (or was told to leave the announcements), releases the
/// guard first by writing <see cref="ReleaseLine"/>. A restarted daemon reconciles whatever is left anyway.
/// </remarks>
internal sealed class AttractionGuard : IDisposable
{
    /// <summary>What the daemon writes to let the guard go without withdrawing.</summary>
    public const string ReleaseLine = "release";

    private readonly Process process;

    private AttractionGuard(Process process) => this.process = process;

    /// <summary>Starts <c>border guard</c> for the config; its standard input is the pipe.</summary>
    public static AttractionGuard Start(string configPath)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("guard");
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(configPath);
        return new AttractionGuard(Process.Start(start)!);
    }

    /// <summary>Lets the guard exit without withdrawing, and waits for it.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        await process.StandardInput.WriteLineAsync(ReleaseLine);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
    }

    public void Dispose() => process.Dispose();
}
