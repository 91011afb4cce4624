namespace Border.Nat.Links;

/// <summary>Tells at once when a link becomes unusable or usable again, from the kernel's own notifications.</summary>
internal interface ILinkWatcher
{
    /// <summary>Calls <paramref name="onChange"/> with the link's new state each time the kernel reports it;
    /// <see langword="null"/> means the link was deleted. Disposing stops watching.</summary>
    IDisposable Watch(string device, Action<LinkState?> onChange);
}
