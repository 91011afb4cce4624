using System.CommandLine;

namespace Border.App.Cli;

/// <summary><c>border render FILE [--only ...]</c>: prints what border would apply, applying nothing.</summary>
internal sealed class RenderCommand : Command
{
    public const string Nftables = "nft";
    public const string Nat64 = "nat64";
    public const string Unbound = "unbound";
    public const string Routes = "routes";

    public RenderCommand()
        : base("render", "Print exactly what border would give each engine and speaker for a config file: the nftables ruleset, the Jool instance file or Tayga config, the Unbound DNS64 snippet and the route announcements. Applies nothing.")
    {
        Only.AcceptOnlyFromAmong(Nftables, Nat64, Unbound, Routes);
        Add(File);
        Add(Only);
    }

    public Argument<FileInfo> File { get; } = ConfigFileArgument.Create();

    public Option<string> Only { get; } = new("--only")
    {
        Description = "Print one artefact alone, without headings, ready to feed to its tool (nft -f, jool file handle, ...).",
        HelpName = "nft|nat64|unbound|routes",
    };
}
