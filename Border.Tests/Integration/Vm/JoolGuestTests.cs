using Border.Routing.Processes;

namespace Border.Tests.Integration.Vm;

/// <summary>The VM tier: the real Jool kernel module in a QEMU guest (tests/vm/README.md). test.sh builds the guest first.</summary>
[Collection(VmGuestCollection.Name)]
public sealed class JoolGuestTests
{
    private const int QemuCannotRun = 77;
    private const int GuestNotBuilt = 78;

    [Fact]
    public async Task JoolSmoke_RealModule_TranslatesIcmpTcpAndUdpFromThePool()
    {
        Requires.RootAndNetworkNamespaces();
        var script = Path.Combine(TestPaths.RepositoryRoot, "tests", "vm", "run-scenario.sh");

        var run = await new ProcessCommandRunner().RunAsync(script, ["jool-smoke", "240"], TimeSpan.FromMinutes(5));

        if (run.ExitCode == QemuCannotRun)
        {
            Assert.Skip("QEMU cannot run on this machine: " + run.StandardError.Trim());
        }

        Assert.True(run.ExitCode != GuestNotBuilt, "the guest is not built: run tests/vm/build-guest.sh (test.sh does) first");
        Assert.True(run.Succeeded, $"jool-smoke failed (exit {run.ExitCode}):\n{run.StandardOutput}\n{run.StandardError}");
        Assert.Contains("PASS: jool-smoke", run.StandardOutput, StringComparison.Ordinal);
    }
}
