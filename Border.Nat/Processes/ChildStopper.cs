namespace Border.Nat.Processes;

/// <summary>Ends a watching child (a monitor command) when the watch is disposed.</summary>
internal sealed class ChildStopper(IChildProcess child) : IDisposable
{
    public void Dispose()
    {
        child.Kill();
        child.Dispose();
    }
}
