using Border.App.State;

namespace Border.Tests.App.State;

public sealed class DaemonLockTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("border-state-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Acquire_WhileHeld_ThrowsNamingTheLockFileAndWhatToDo()
    {
        using var first = DaemonLock.Acquire(directory);

        var refused = Assert.Throws<IOException>(() => DaemonLock.Acquire(directory));

        var path = Path.Combine(directory, "border.lock");
        Assert.StartsWith($"{path} cannot be locked (", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith($"another border daemon uses the same state directory (fuser {path} names it); stop it first, or give this one another daemon.state_dir", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_AfterTheHolderLetGo_Succeeds()
    {
        DaemonLock.Acquire(directory).Dispose();

        using var again = DaemonLock.Acquire(directory);

        Assert.True(File.Exists(Path.Combine(directory, "border.lock")));
    }

    [Fact]
    public void Acquire_MissingDirectory_CreatesIt()
    {
        var nested = Path.Combine(directory, "var", "lib", "border");

        using var held = DaemonLock.Acquire(nested);

        Assert.True(Directory.Exists(nested));
    }
}
