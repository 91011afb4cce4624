using System.Globalization;
using Border.Routing.Processes;

namespace Border.Tests.Integration.Supervisor;

/// <summary>lab/down.sh's last check, on namespaces named as a lab of this run's own would be (no lab/up.sh, so no
/// pid file names anything in them): a process still in one is named, ended, and fails the script.</summary>
public sealed class LabDownTests : IAsyncLifetime
{
    private static readonly string Lab = $"{SupervisorLab.Name}down";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public async ValueTask InitializeAsync()
    {
        Requires.RootAndNetworkNamespaces();
        foreach (var node in (string[])["core", "inet"])
        {
            await NetworkNamespace.Runner.RunCheckedAsync("ip", ["netns", "add", $"{Lab}-{node}"], Timeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in (string[])["core", "inet"])
        {
            await NetworkNamespace.Runner.RunAsync("ip", ["netns", "del", $"{Lab}-{node}"], Timeout);
        }
    }

    [Fact]
    public async Task Down_ProcessLeftInALabNamespace_NamesItEndsItAndFails()
    {
        var namespaces = await NamespaceProcesses.OfLabAsync(Lab);
        var stray = await StartStraySleepAsync($"{Lab}-inet");
        try
        {
            var down = await DownAsync();

            Assert.False(down.Succeeded, $"lab/down.sh passed with pid {stray} left in {Lab}-inet: {down.StandardOutput}");
            Assert.Contains($"LEFTOVER in {Lab}-inet: pid {stray} (sleep 600 )", down.StandardError, StringComparison.Ordinal);
            Assert.Contains("1 process(es) were left in its namespaces", down.StandardError, StringComparison.Ordinal);
            Assert.Empty(namespaces.Find());
            Assert.False(File.Exists($"/run/netns/{Lab}-inet"), "lab/down.sh left the namespace");
        }
        finally
        {
            await NetworkNamespace.Runner.RunAsync("kill", ["-KILL", stray.ToString(CultureInfo.InvariantCulture)], Timeout);
        }
    }

    [Fact]
    public async Task Down_NothingLeft_PassesAndDeletesTheNamespaces()
    {
        var down = await DownAsync();

        Assert.True(down.Succeeded, down.StandardOutput + down.StandardError);
        Assert.Equal("lab down\n", down.StandardOutput);
        Assert.False(File.Exists($"/run/netns/{Lab}-core"), "lab/down.sh left the namespace");
    }

    private static Task<CommandResult> DownAsync() =>
        NetworkNamespace.Runner.RunAsync("env", [$"LAB={Lab}", Path.Combine(TestPaths.RepositoryRoot, "lab", "down.sh")], Timeout);

    /// <summary>A sleep in the namespace that nothing records, detached from the test (as ncat was from lab/up.sh); its pid.</summary>
    private static async Task<int> StartStraySleepAsync(string name)
    {
        var started = await NetworkNamespace.Runner.RunCheckedAsync("ip", ["netns", "exec", name, "sh", "-c", "setsid sleep 600 </dev/null >/dev/null 2>&1 & echo $!"], Timeout);
        return int.Parse(started.StandardOutput.Trim(), CultureInfo.InvariantCulture);
    }
}
