using Border.Routing.Health;
using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.Routing.Health;

public sealed class ServiceHealthTrackerTests
{
    private const string Probe = "dns64-query 198.51.100.53";
    private const string Event = "unbound-process";
    private static readonly DampingOptions Damping = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));

    private readonly FakeTimeProvider time = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));

    [Fact]
    public void RecordProbe_FewerPassesThanRise_StaysStarting()
    {
        var tracker = Tracker();

        Pass(tracker, 2);

        Assert.Equal(HealthState.Starting, tracker.Current.State);
        Assert.Equal($"waiting for 3 passes: {Probe}: passed 2 of 3", tracker.Current.Reason);
    }

    [Fact]
    public void RecordProbe_RisePasses_ComesUp()
    {
        var tracker = Tracker();

        Pass(tracker, 3);

        Assert.True(tracker.Current.Healthy);
        Assert.Equal("all 1 checks pass", tracker.Current.Reason);
    }

    [Fact]
    public void RecordProbe_FailuresBelowFall_StaysUp()
    {
        var tracker = Tracker();
        Pass(tracker, 3);

        Fail(tracker, 1);

        Assert.Equal(HealthState.Up, tracker.Current.State);
    }

    [Fact]
    public void RecordProbe_FallFailures_GoesDownWithTheProbesReason()
    {
        var tracker = Tracker();
        Pass(tracker, 3);

        Fail(tracker, 2);

        Assert.Equal(HealthState.Down, tracker.Current.State);
        Assert.Equal($"failing: {Probe}: timed out after 500 ms", tracker.Current.Reason);
    }

    [Fact]
    public void RecordEvent_Failure_GoesDownAtOnceAndProbesMustRiseAgain()
    {
        var tracker = Tracker();
        Pass(tracker, 3);

        tracker.RecordEvent(CheckResult.Fail(Event, "unbound exited (code 137)", time.GetUtcNow()));
        Assert.Equal(HealthState.Down, tracker.Current.State);
        Assert.Contains($"{Event}: unbound exited (code 137)", tracker.Current.Reason, StringComparison.Ordinal);

        tracker.RecordEvent(CheckResult.Pass(Event, "unbound running (pid 42)", time.GetUtcNow()));
        Pass(tracker, 2);
        Assert.Equal(HealthState.Down, tracker.Current.State);

        Pass(tracker, 1);
        Assert.Equal(HealthState.Up, tracker.Current.State);
    }

    [Fact]
    public void Flapping_EachFlap_HoldsDownTwiceAsLongUpToTheCeiling()
    {
        var tracker = Tracker(rise: 1, fall: 1);
        Pass(tracker, 1);
        var holdDowns = new List<TimeSpan?>();

        for (var flap = 0; flap < 5; flap++)
        {
            Fail(tracker, 1);
            Pass(tracker, 1);
            holdDowns.Add(tracker.NextChangeAt - time.GetUtcNow());
            if (tracker.NextChangeAt is { } until)
            {
                Assert.Equal(HealthState.HeldDown, tracker.Current.State);
                time.SetUtcNow(until);
            }

            Assert.Equal(HealthState.Up, tracker.Current.State);
        }

        Assert.Equal([null, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10)], holdDowns);
    }

    [Fact]
    public void Flapping_AfterStayingUpForTheCeiling_FlapsAreForgotten()
    {
        var tracker = Tracker(rise: 1, fall: 1);
        Pass(tracker, 1);
        Fail(tracker, 1);
        Pass(tracker, 1);
        Fail(tracker, 1);
        Pass(tracker, 1);
        Assert.NotNull(tracker.NextChangeAt);
        time.Advance(TimeSpan.FromSeconds(12));

        Fail(tracker, 1);
        Pass(tracker, 1);

        Assert.Null(tracker.NextChangeAt);
        Assert.Equal(HealthState.Up, tracker.Current.State);
    }

    [Fact]
    public void RecordProbe_UnknownProbe_Throws()
    {
        var tracker = Tracker();

        Assert.Throws<ArgumentException>(() => tracker.RecordProbe(CheckResult.Pass("no-such-probe", "ok", time.GetUtcNow())));
    }

    private ServiceHealthTracker Tracker(int rise = 3, int fall = 2) => new([Probe], new HealthThresholds(rise, fall), Damping, time);

    private void Pass(ServiceHealthTracker tracker, int count)
    {
        for (var i = 0; i < count; i++)
        {
            tracker.RecordProbe(CheckResult.Pass(Probe, "2001:db8:d78:564::cb00:710a", time.GetUtcNow()));
        }
    }

    private void Fail(ServiceHealthTracker tracker, int count)
    {
        for (var i = 0; i < count; i++)
        {
            tracker.RecordProbe(CheckResult.Fail(Probe, "timed out after 500 ms", time.GetUtcNow()));
        }
    }
}
