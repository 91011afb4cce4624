namespace Border.Nat.Nftables;

/// <summary>The nftables operations border needs: apply a script in one transaction, and list one table.</summary>
internal interface INftables
{
    /// <summary>Applies <paramref name="script"/> as one transaction (<c>nft -f</c>); nothing changes if any line fails.</summary>
    Task ApplyAsync(string script, CancellationToken cancellationToken);

    /// <summary>The table as nft prints it, or <see langword="null"/> when it does not exist.</summary>
    Task<string?> ListTableAsync(string family, string table, CancellationToken cancellationToken);
}
