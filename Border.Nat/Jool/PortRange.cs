namespace Border.Nat.Jool;

/// <summary>An inclusive range of transport ports (or ICMP identifiers) Jool may take from its pool4.</summary>
public readonly record struct PortRange(int First, int Last)
{
    /// <inheritdoc/>
    public override string ToString() => $"{First}-{Last}";
}
