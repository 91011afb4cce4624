using Border.Nat.Nftables;
using Border.Routing.Processes;
using Border.Tests.Nat.Golden;
using Border.Tests.Nat.Nftables;

namespace Border.Tests.Integration.Nat;

/// <summary>The golden renderings, fed to the real tools: nft applies and lists back the table unchanged, and
/// unbound-checkconf accepts the snippet inside a main config.</summary>
public sealed class RenderedConfigRealToolTests
{
    [Fact]
    public async Task NftGolden_AppliedInNamespace_ListsBackAsRendered()
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/sbin/nft", "nftables");
        await using var gateway = await NetworkNamespace.CreateAsync("gw");

        await gateway.RunCheckedAsync("nft", "-f", GoldenFile.Copied("Nftables", "gateway.nft"));
        var listed = await gateway.RunCheckedAsync("nft", "list", "table", "inet", "border");

        Assert.Empty(NftRulesetDiff.Compare(NftRulesetRenderer.RenderTable(NftRulesetRendererTests.Gateway), listed.StandardOutput));
    }

    [Fact]
    public async Task UnboundGolden_IncludedInMainConfig_AcceptedByCheckconf()
    {
        Requires.Tool("/usr/sbin/unbound-checkconf", "unbound");
        var directory = Directory.CreateTempSubdirectory("border-unbound-golden-").FullName;
        try
        {
            var config = Path.Combine(directory, "unbound.conf");
            await File.WriteAllTextAsync(
                config,
                $"server:\n\tdirectory: \"{directory}\"\n\tchroot: \"\"\n\tusername: \"\"\ninclude-toplevel: \"{GoldenFile.Copied("Unbound", "gateway-dns64.conf")}\"\n",
                TestContext.Current.CancellationToken);

            var check = await NetworkNamespace.Runner.RunAsync("unbound-checkconf", [config], TimeSpan.FromSeconds(10));

            Assert.True(check.Succeeded, check.StandardError + check.StandardOutput);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
