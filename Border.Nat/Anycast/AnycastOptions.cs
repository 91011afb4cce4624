namespace Border.Nat.Anycast;

/// <summary>The local interface border owns for the resolver's anycast addresses.</summary>
public sealed record AnycastOptions
{
    /// <summary>A dummy interface (a persistent tun where the kernel has no dummy driver) border creates, owns and
    /// deletes; at most 15 characters.</summary>
    /// <value>Defaults to <c>border-dns</c>.</value>
    public string Interface { get; init; } = "border-dns";
}
