using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.Nat.Fakes;

/// <summary>A fake clock that counts the timers created on it, so a test advances it only once the code under test
/// really waits on it.</summary>
/// <remarks>A log line written just before a wait is no proof of the wait: a clock advanced between the two leaves the
/// timer due a whole delay after the advance, and the test waits in vain.</remarks>
internal sealed class TimerCountingTimeProvider : FakeTimeProvider
{
    private int created;

    public int TimersCreated => Volatile.Read(ref created);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref created);
        return timer;
    }
}
