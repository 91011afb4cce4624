using System.Threading.Channels;
using Border.Routing.Health;

namespace Border.Nat.Health;

/// <summary>The event stream an engine writes its faults and recoveries to.</summary>
/// <remarks>Bounded, dropping the oldest event when the reader falls behind: the newest state is what matters,
/// and a stalled supervisor must never block an engine.</remarks>
internal sealed class HealthEventStream : IHealthEventSource
{
    private const int Capacity = 256;

    private readonly Channel<CheckResult> channel = Channel.CreateBounded<CheckResult>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false });

    public ChannelReader<CheckResult> Events => channel.Reader;

    public void Publish(CheckResult result) => channel.Writer.TryWrite(result);

    /// <summary>Ends the stream; readers see it complete once they have read what is left.</summary>
    public void Complete() => channel.Writer.TryComplete();
}
