using System.Threading.Channels;
using Border.Nat.Health;
using Border.Routing.Health;

namespace Border.Nat;

/// <summary>What does the work for one service, as the supervisor drives it.</summary>
/// <remarks>Faults the engine learns of at once come through <see cref="IHealthEventSource.Events"/>; the
/// periodic end-to-end tests are <see cref="Probes"/>, each remembering its last result.</remarks>
public interface INatEngine : IHealthEventSource
{
    /// <summary>The engine's name in logs and status (<c>nftables</c>, <c>tayga</c>).</summary>
    string Name { get; }

    /// <summary>Makes the system match the desired state; idempotent, and a no-op when nothing differs.</summary>
    /// <exception cref="Border.Routing.Processes.CommandFailedException">A tool refused the change; its stderr is in the message.</exception>
    Task ApplyAsync(CancellationToken cancellationToken);

    /// <summary>Reads the live state back and compares it with the desired one; the reason says what differs.</summary>
    Task<CheckResult> ReadBackAsync(CancellationToken cancellationToken);

    /// <summary>The engine's periodic checks.</summary>
    IReadOnlyList<RecordedProbe> Probes { get; }
}

/// <summary>An engine whose checks can find a fault that only a new apply mends (Jool's kernel module unloaded), and
/// that asks whoever keeps it applied for that apply.</summary>
public interface IReapplyRequests
{
    /// <summary>One item per request: why the engine needs applying again. The keeper applies with the backoff of a
    /// failed apply until it succeeds; requests made before that apply began are answered by it.</summary>
    ChannelReader<string> ReapplyRequests { get; }
}

/// <summary>What an engine can count of the traffic it translates, read on demand for the metrics endpoint.</summary>
public interface IEngineCounters
{
    /// <summary>Reads the counters now.</summary>
    /// <exception cref="Border.Routing.Processes.CommandFailedException">The tool that holds them refused.</exception>
    /// <exception cref="IOException">The file that holds them could not be read.</exception>
    Task<IReadOnlyList<EngineCounter>> ReadCountersAsync(CancellationToken cancellationToken);
}

/// <summary>One sample: a gauge with its help text and labels (Prometheus naming).</summary>
public sealed record EngineCounter(string Name, string Help, double Value, IReadOnlyList<KeyValuePair<string, string>> Labels);
