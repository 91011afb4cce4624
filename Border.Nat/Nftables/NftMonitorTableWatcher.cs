using Border.Nat.Processes;
using Border.Nat.Tools;

namespace Border.Nat.Nftables;

/// <summary><see cref="INftTableWatcher"/> over <c>nft monitor tables</c>, which prints one line per table added or
/// deleted once the transaction that did it has committed.</summary>
internal sealed class NftMonitorTableWatcher(IProcessLauncher launcher, NatToolOptions tools) : INftTableWatcher
{
    public IDisposable Watch(string family, string table, Action onDeleted)
    {
        var deleted = $"delete table {family} {table}";
        var child = launcher.Start(tools.Nft, ["monitor", "tables"], line =>
        {
            if (line.Trim() == deleted)
            {
                onDeleted();
            }
        });
        return new ChildStopper(child);
    }
}
