using System.Threading.Channels;

namespace Border.Routing.Health;

/// <summary>Faults the kernel or a process tells us of at once: an engine exited, a table or link disappeared.</summary>
/// <remarks>A fault marks its service down immediately, without waiting for a probe's fall count. The source also
/// reports recoveries (a restarted engine) as healthy results; the probes' rise count still governs re-announcing.</remarks>
public interface IHealthEventSource
{
    /// <summary>The stream of events, as check results, in the order they happened.</summary>
    ChannelReader<CheckResult> Events { get; }
}
