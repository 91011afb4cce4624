using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Nat.Nftables;

/// <summary><see cref="INftables"/> over the <c>nft</c> command.</summary>
internal sealed class NftCli(ICommandRunner runner, NatToolOptions tools) : INftables
{
    public async Task ApplyAsync(string script, CancellationToken cancellationToken) =>
        await runner.RunCheckedAsync(tools.Nft, ["-f", "-"], tools.CommandTimeout, script, cancellationToken).ConfigureAwait(false);

    public async Task<string?> ListTableAsync(string family, string table, CancellationToken cancellationToken)
    {
        string[] arguments = ["list", "table", family, table];
        var result = await runner.RunAsync(tools.Nft, arguments, tools.CommandTimeout, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (result.Succeeded)
        {
            return result.StandardOutput;
        }

        // nft says ENOENT in words for a table that does not exist; anything else is a real failure.
        if (result.StandardError.Contains("No such file or directory", StringComparison.Ordinal))
        {
            return null;
        }

        throw CommandFailures.Exited(tools.Nft, arguments, result);
    }
}
