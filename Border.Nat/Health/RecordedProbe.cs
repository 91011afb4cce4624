using Border.Routing.Health;

namespace Border.Nat.Health;

/// <summary>A probe that remembers its last result, so <c>border status</c> can show it without probing again.</summary>
public sealed class RecordedProbe : IProbe
{
    private readonly IProbe inner;
    private CheckResult? last;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public RecordedProbe(IProbe inner) => this.inner = inner;

    /// <inheritdoc/>
    public string Name => inner.Name;

    /// <summary>The result of the last run that finished, or <see langword="null"/> before the first.</summary>
    public CheckResult? Last => Volatile.Read(ref last);

    /// <inheritdoc/>
    public async Task<CheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var result = await inner.ProbeAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref last, result);
        return result;
    }
}
