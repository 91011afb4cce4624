namespace Border.Nat.Nftables;

/// <summary>Tells at once when a table is deleted, from the kernel's own nftables notifications.</summary>
internal interface INftTableWatcher
{
    /// <summary>Calls <paramref name="onDeleted"/> each time the table is deleted, by anyone, ourselves included: the
    /// caller checks whether it is really gone. Disposing stops watching.</summary>
    IDisposable Watch(string family, string table, Action onDeleted);
}
