using System.Diagnostics;
using System.Text.Json.Nodes;
using Border.App.Configuration;
using Border.App.Hosting;
using Border.App.Logging;
using Border.Tests.Integration.Faults;
using Border.Tests.Nat.Fakes;

namespace Border.Tests.App.Hosting;

/// <summary>What <see cref="LeftoverEngines"/> ends, among real processes found in /proc: only one the daemon of this
/// gateway marked as its own whose parent is no border, as a dead daemon's monitor is once PID 1 has it.</summary>
public sealed class LeftoverEnginesTests : IDisposable
{
    private readonly string stateDirectory = Directory.CreateTempSubdirectory("border-leftovers-").FullName;
    private readonly List<int> orphans = [];

    public void Dispose()
    {
        foreach (var pid in orphans.Where(LabDaemons.Alive))
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }

        Directory.Delete(stateDirectory, recursive: true);
    }

    [Fact]
    public async Task End_MarkedForThisGatewayNotABordersChild_EndsOnlyThat()
    {
        var leftover = await OrphanAsync(owner: stateDirectory);
        var otherGateways = await OrphanAsync(owner: stateDirectory + "-other");
        var unmarked = await OrphanAsync(owner: null);
        var logger = new RecordingLogger<LeftoverEnginesTests>();

        LeftoverEngines.End(Config(stateDirectory), logger);

        var ended = logger.Entries.Where(entry => entry.EventId == AppEventIds.LeftoverEngineEnded).Select(entry => entry.Message).ToList();
        Assert.Equal([$"ended sleep (pid {leftover}), which a dead border daemon left running"], ended);
        var clock = Stopwatch.StartNew();
        while (LabDaemons.Alive(leftover) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TestContext.Current.CancellationToken);
        }

        Assert.False(LabDaemons.Alive(leftover), $"the leftover (pid {leftover}) still runs 10 s after it was killed");
        Assert.True(LabDaemons.Alive(otherGateways), "a process marked for another gateway was ended");
        Assert.True(LabDaemons.Alive(unmarked), "a process border never marked was ended");
    }

    [Fact]
    public void MarkChildren_ProcessStartedAfterwards_CarriesTheGatewaysStateDirectory()
    {
        var before = Environment.GetEnvironmentVariable(LeftoverEngines.OwnerVariable);
        try
        {
            LeftoverEngines.MarkChildren(Config(stateDirectory));
            using var child = Process.Start(new ProcessStartInfo("sleep", "600") { UseShellExecute = false })!;
            try
            {
                var environment = File.ReadAllText($"/proc/{child.Id}/environ").Split('\0');
                Assert.Contains($"{LeftoverEngines.OwnerVariable}={stateDirectory}", environment);
            }
            finally
            {
                child.Kill();
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(LeftoverEngines.OwnerVariable, before);
        }
    }

    /// <summary>A sleep whose parent has exited, so that PID 1 has it, marked for <paramref name="owner"/> unless that
    /// is null; its pid.</summary>
    private async Task<int> OrphanAsync(string? owner)
    {
        var start = new ProcessStartInfo("sh", ["-c", "sleep 600 </dev/null >/dev/null 2>&1 & echo $!"]) { UseShellExecute = false, RedirectStandardOutput = true };
        start.Environment.Remove(LeftoverEngines.OwnerVariable);
        if (owner is not null)
        {
            start.Environment[LeftoverEngines.OwnerVariable] = owner;
        }

        using var shell = Process.Start(start) ?? throw new InvalidOperationException("could not start sh");
        var pid = int.Parse(await shell.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        await shell.WaitForExitAsync(TestContext.Current.CancellationToken);
        orphans.Add(pid);
        return pid;
    }

    private static GatewayConfig Config(string stateDirectory)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Examples, "lab", "gw1.json")), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        root["daemon"]!["state_dir"] = stateDirectory;
        return ConfigLoader.Parse(root.ToJsonString(), "gw1.json");
    }
}
