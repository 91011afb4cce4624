using Border.App.State;
using Border.Routing.Attractions;
using Border.Routing.Policy;

namespace Border.Tests.App.State;

public sealed class DrainStoreTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("border-state-").FullName;
    private readonly Drain drain = new("root", DateTimeOffset.Parse("2026-11-22T10:00:00Z"), "kernel upgrade");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Load_NoFile_HasNoDrains() => Assert.Empty(DrainStore.Load(directory).Drains);

    [Fact]
    public void Drain_ThenLoadAgain_SurvivesLikeARestart()
    {
        Assert.True(DrainStore.Load(directory).Drain(Service.Nat64, drain));

        var reloaded = DrainStore.Load(directory);

        Assert.Equal(drain, reloaded.Drains[Service.Nat64]);
        Assert.Single(reloaded.Drains);
    }

    [Fact]
    public void Drain_Twice_KeepsTheFirstAndReportsNoChange()
    {
        var store = DrainStore.Load(directory);
        store.Drain(Service.Nat64, drain);

        Assert.False(store.Drain(Service.Nat64, drain with { By = "alice" }));
        Assert.Equal("root", DrainStore.Load(directory).Drains[Service.Nat64].By);
    }

    [Fact]
    public void Undrain_Drained_RemovesItForGood()
    {
        DrainStore.Load(directory).Drain(Service.Dns64, drain);

        Assert.True(DrainStore.Load(directory).Undrain(Service.Dns64));
        Assert.False(DrainStore.Load(directory).Undrain(Service.Dns64));
        Assert.Empty(DrainStore.Load(directory).Drains);
    }

    [Fact]
    public void Load_CorruptFile_NamesTheFileAndWhatToDo()
    {
        File.WriteAllText(Path.Combine(directory, "drains.json"), "{ not json");

        var error = Assert.Throws<InvalidDataException>(() => DrainStore.Load(directory));

        Assert.StartsWith(Path.Combine(directory, "drains.json") + ": the drain state cannot be read", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("fix or remove the file, then start border again", error.Message, StringComparison.Ordinal);
    }
}
