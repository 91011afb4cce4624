using Border.App.Configuration;
using Border.App.Rendering;
using Border.Tests.Integration;

namespace Border.Tests.App.Rendering;

/// <summary>Pins what each example renders to, and has the real tools accept it.</summary>
public sealed class GatewayArtefactsGoldenTests
{
    public static TheoryData<string> Examples() => new(TestPaths.ExampleConfigs());

    public static TheoryData<string> TaygaExamples() => Having(config => config.Nat64?.Tayga is not null);

    public static TheoryData<string> Dns64Examples() => Having(config => config.Dns64 is not null);

    private static TheoryData<string> Having(Func<GatewayConfig, bool> condition) =>
        new(TestPaths.ExampleConfigs().Where(path => condition(ConfigLoader.Load(path))));

    [Theory]
    [MemberData(nameof(Examples))]
    public void From_Example_MatchesGoldenFiles(string path)
    {
        var config = ConfigLoader.Load(path);
        var artefacts = GatewayArtefacts.From(config);

        GoldenFile.AssertMatches($"{config.Name}/nft", artefacts.NftablesScript!);
        GoldenFile.AssertMatches($"{config.Name}/{artefacts.Nat64EngineFileName}", artefacts.Nat64EngineFile!);
        GoldenFile.AssertMatches($"{config.Name}/unbound", artefacts.UnboundSnippet);
        GoldenFile.AssertMatches($"{config.Name}/routes", AttractionTable.Render(artefacts.Attractions, config.Routing));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task NftablesScript_Example_AcceptedByNftCheck(string path)
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/sbin/nft", "nftables");
        var script = GatewayArtefacts.From(ConfigLoader.Load(path)).NftablesScript!;
        using var file = new TemporaryFile(script);
        await using var gateway = await NetworkNamespace.CreateAsync("nftcheck");

        var check = await gateway.RunAsync("nft", "-c", "-f", file.Path);

        Assert.True(check.Succeeded, $"nft -c rejected {path}: {check.StandardError}");
    }

    [Theory]
    [MemberData(nameof(Dns64Examples))]
    public async Task UnboundSnippet_Example_AcceptedByUnboundCheckconf(string path)
    {
        Requires.Tool("/usr/sbin/unbound-checkconf", "unbound");
        var snippet = GatewayArtefacts.From(ConfigLoader.Load(path)).UnboundSnippet!;
        using var included = new TemporaryFile(snippet);
        using var main = new TemporaryFile(
            $"server:\n\tchroot: \"\"\n\tusername: \"\"\n\tdirectory: \"{Path.GetTempPath()}\"\n\tpidfile: \"\"\ninclude: \"{included.Path}\"\n");

        var check = await NetworkNamespace.Runner.RunAsync("unbound-checkconf", [main.Path], TimeSpan.FromSeconds(20));

        Assert.True(check.Succeeded, $"unbound-checkconf rejected {path}: {check.StandardOutput}{check.StandardError}");
        Assert.Contains("no errors", check.StandardOutput, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TaygaExamples))]
    public async Task TaygaConfig_Example_AcceptedByTaygaMktun(string path)
    {
        var artefacts = GatewayArtefacts.From(ConfigLoader.Load(path));
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/sbin/tayga", "tayga");
        using var file = new TemporaryFile(artefacts.Nat64EngineFile!);
        await using var gateway = await NetworkNamespace.CreateAsync("taygacheck");

        var mktun = await gateway.RunAsync("tayga", "--config", file.Path, "--mktun");
        var link = await gateway.RunAsync("ip", "link", "show", "nat64");

        Assert.True(mktun.Succeeded, $"tayga rejected {path}: {mktun.StandardError}");
        Assert.True(link.Succeeded, "tayga --mktun did not create the tun device nat64");
    }
}
