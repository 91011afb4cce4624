using System.Collections;
using System.Runtime.CompilerServices;

namespace Border.Routing;

/// <summary>A read-only list equal to another with the same items in the same order, so a record holding one
/// compares, and prints, by what the list holds.</summary>
/// <remarks>A record compares a field typed <see cref="IReadOnlyList{T}"/> by reference and prints it as its type
/// name, so two options records built from the same config differ, and two built from different ones may print
/// the same. The option types use this list instead, built from a collection expression:
/// <c>StartCommand = ["/usr/bin/systemctl", "start", "unbound"]</c>.</remarks>
/// <typeparam name="T">The item type; its own <see cref="object.Equals(object)"/> decides item equality.</typeparam>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] items;

    internal ValueList(T[] items) => this.items = items;

    /// <inheritdoc/>
    public int Count => items.Length;

    /// <inheritdoc/>
    public T this[int index] => items[index];

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(ValueList<T>? other) => other is not null && items.AsSpan().SequenceEqual(other.items, EqualityComparer<T>.Default);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <summary>The items, as <c>[a, b]</c>.</summary>
    public override string ToString() => $"[{string.Join(", ", items)}]";
}

/// <summary>Builds <see cref="ValueList{T}"/>s, for collection expressions.</summary>
public static class ValueList
{
    /// <summary>A list of a copy of <paramref name="items"/>.</summary>
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
