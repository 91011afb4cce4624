namespace Border.App.State;

/// <summary>One daemon per state directory: an exclusive lock on <c>border.lock</c> there, held for the daemon's life.</summary>
/// <remarks>Two daemons on one gateway would fight over the same engines, announcements and drains: the second's
/// start would take over the first's engines while the first, stopping, withdraws what the second announces. The
/// lock is an advisory <c>flock</c> that .NET takes for <see cref="FileShare.None"/>; the kernel drops it when the
/// holder dies however it dies, so a crash never leaves a stale lock. (The file stays empty: while it is locked,
/// .NET refuses even to read it.)</remarks>
internal sealed class DaemonLock : IDisposable
{
    private const string FileName = "border.lock";
    private readonly FileStream file;

    private DaemonLock(FileStream file) => this.file = file;

    /// <summary>Takes the lock in <paramref name="stateDirectory"/>, creating the directory when needed.</summary>
    /// <exception cref="IOException">Another daemon holds it; the message names the file.</exception>
    public static DaemonLock Acquire(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, FileName);
        try
        {
            return new DaemonLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex)
        {
            throw new IOException($"{path} cannot be locked ({ex.Message}): another border daemon uses the same state directory (fuser {path} names it); stop it first, or give this one another daemon.state_dir", ex);
        }
    }

    public void Dispose() => file.Dispose();
}
