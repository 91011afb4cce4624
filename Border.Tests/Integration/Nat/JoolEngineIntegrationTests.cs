using System.Net;
using Border.Nat;
using Border.Nat.Jool;
using Border.Nat.Tools;
using Border.Routing.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Integration.Nat;

/// <summary>The Jool engine against the real jool-tools and modprobe on this host, where the kernel module cannot load.</summary>
public sealed class JoolEngineIntegrationTests
{
    private const string ModuleMissing = "jool kernel module not loaded (Error: Jool's socket family doesn't seem to exist.)";

    [Fact]
    public async Task ApplyAndProbe_NoKernelModule_ApplyFailsWithModprobesReasonAndTheProbeAsksForAnotherApply()
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/bin/jool", "jool-tools");
        Requires.Tool("/usr/sbin/modprobe", "kmod");
        if (File.Exists("/sys/module/jool/initstate"))
        {
            Assert.Skip("the jool module is loaded on this host; the module-missing path needs a host without it");
        }

        await using var gateway = await NetworkNamespace.CreateAsync("gw");
        var directory = Directory.CreateTempSubdirectory("border-jool-").FullName;
        try
        {
            var engine = new NatEngineFactory(
                new NatToolOptions(),
                new NamespacedCommandRunner(gateway.Name),
                new NamespacedProcessLauncher(gateway.Name),
                new NamespacedSocketFactory(gateway.Name),
                TimeProvider.System,
                NullLoggerFactory.Instance).Jool(
                    new JoolOptions { Pool6 = IPNetwork.Parse(NatLab.Nat64Prefix), Pool4 = IPNetwork.Parse(NatLab.Pool4) },
                    new JoolEngineOptions { InstanceFilePath = Path.Combine(directory, "jool.json") });
            var ct = TestContext.Current.CancellationToken;

            var applying = await Assert.ThrowsAsync<CommandFailedException>(() => engine.ApplyAsync(ct));
            var probed = await engine.Probes[0].ProbeAsync(ct);
            var readBack = await engine.ReadBackAsync(ct);

            // modprobe finds no module tree for the running kernel here (a machine of this kind has no /lib/modules).
            Assert.StartsWith($"{ModuleMissing}; loading it failed: /usr/sbin/modprobe jool exited with code 1: ", applying.Message, StringComparison.Ordinal);
            var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            Assert.Contains($"modprobe: FATAL: Module jool not found in directory /lib/modules/{release}", applying.Message, StringComparison.Ordinal);
            Assert.False(probed.Healthy);
            Assert.Equal($"{ModuleMissing}; loading it and applying again", probed.Reason);
            Assert.Equal(ModuleMissing, readBack.Reason);
            Assert.True(engine.Events.TryRead(out var published));
            Assert.Equal((false, ModuleMissing), (published.Healthy, published.Reason));
            Assert.True(engine.ReapplyRequests.TryRead(out var request));
            Assert.Equal(ModuleMissing, request);
            Assert.True(File.Exists(Path.Combine(directory, "jool.json")), "the instance file was not written");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
