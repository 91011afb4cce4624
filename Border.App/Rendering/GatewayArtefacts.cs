using Border.App.Configuration;
using Border.Nat.Jool;
using Border.Nat.Nftables;
using Border.Nat.Tayga;
using Border.Nat.Unbound;
using Border.Routing.Attractions;

namespace Border.App.Rendering;

/// <summary>The exact artefacts each engine and speaker gets from a valid config. Pure: nothing is applied.</summary>
internal sealed record GatewayArtefacts(
    string? NftablesScript,
    string? Nat64EngineFile,
    string? Nat64EngineFileName,
    string? UnboundSnippet,
    IReadOnlyList<CatalogEntry> Attractions)
{
    public static GatewayArtefacts From(GatewayConfig config)
    {
        var nat64 = config.Nat64 switch
        {
            { Jool: { } jool } => (JoolInstanceFileRenderer.Render(jool), "jool.json"),
            { Tayga: { } tayga } => (TaygaConfigRenderer.Render(tayga), "tayga.conf"),
            _ => ((string?)null, (string?)null),
        };
        return new GatewayArtefacts(
            ConfigBinder.Nftables(config) is { } nftables ? NftRulesetRenderer.RenderScript(nftables) : null,
            nat64.Item1,
            nat64.Item2,
            ConfigBinder.Unbound(config) is { } unbound ? UnboundSnippetRenderer.Render(unbound) : null,
            AttractionCatalog.Build(ConfigBinder.Attractions(config)));
    }
}
