using System.Net;
using Border.Nat;
using Border.Nat.Jool;
using Border.Nat.Tools;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Integration.Nat;

/// <summary>The Jool engine against the real jool-tools on this host, where the kernel module cannot load.</summary>
public sealed class JoolEngineIntegrationTests
{
    private const string ModuleMissing = "jool kernel module not loaded (Error: Jool's socket family doesn't seem to exist.)";

    [Fact]
    public async Task ApplyAndProbe_NoKernelModule_ReportModuleNotLoaded()
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/bin/jool", "jool-tools");
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

            var applying = await Assert.ThrowsAsync<JoolModuleMissingException>(() => engine.ApplyAsync(ct));
            var probed = await engine.Probes[0].ProbeAsync(ct);
            var readBack = await engine.ReadBackAsync(ct);

            Assert.Equal(ModuleMissing, applying.Message);
            Assert.False(probed.Healthy);
            Assert.Equal(ModuleMissing, probed.Reason);
            Assert.Equal(ModuleMissing, readBack.Reason);
            Assert.True(engine.Events.TryRead(out var published));
            Assert.False(published.Healthy);
            Assert.True(File.Exists(Path.Combine(directory, "jool.json")), "the instance file was not written");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
