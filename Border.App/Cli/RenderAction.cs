using System.CommandLine;
using Border.App.Rendering;

namespace Border.App.Cli;

internal static class RenderAction
{
    public static int Run(ParseResult parse, RenderCommand command)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        if (ConfigFileReader.TryLoad(parse.GetRequiredValue(command.File), error) is not { } config)
        {
            return ExitCodes.InvalidInput;
        }

        var artefacts = GatewayArtefacts.From(config);
        var routes = AttractionTable.Render(artefacts.Attractions, config.Routing);
        (string Name, string Heading, string? Text, string Absent)[] sections =
        [
            (RenderCommand.Nftables, "nftables: border's own table, replaced in one transaction by nft -f",
                artefacts.NftablesScript, "no NAT service is enabled, so border owns no nftables table"),
            (RenderCommand.Nat64, $"nat64: {artefacts.Nat64EngineFileName}", artefacts.Nat64EngineFile, "nat64 is not enabled"),
            (RenderCommand.Unbound, "unbound: DNS64 snippet", artefacts.UnboundSnippet, "dns64 is not enabled"),
            (RenderCommand.Routes, "routes: attractions", routes, "no service is enabled"),
        ];

        var only = parse.GetValue(command.Only);
        if (only is not null)
        {
            var section = sections.Single(candidate => candidate.Name == only);
            if (section.Text is null)
            {
                error.WriteLine($"{config.Name}: nothing to render for {only}: {section.Absent}");
                return ExitCodes.InvalidInput;
            }

            output.Write(section.Text);
            return ExitCodes.Ok;
        }

        foreach (var (_, heading, text, absent) in sections)
        {
            output.WriteLine($"# {heading}");
            output.WriteLine(text ?? $"# ({absent})\n");
        }

        return ExitCodes.Ok;
    }
}
