using System.IO.Pipes;
using System.Net;
using Border.App.Hosting;
using Border.App.Logging;
using Border.Routing.Attractions;
using Border.Routing.Reconciliation;
using Border.Routing.Speakers;
using Border.Tests.Nat.Fakes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.App.Hosting;

public sealed class GuardWatchTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly OspfAttributes E1 = new(200, OspfMetricType.E1);
    private static readonly BgpAttributes NoExport = new(new BgpCommunities([BgpCommunities.NoExport]));
    private static readonly Attraction[] IntoTheSite =
    [
        new(IPNetwork.Parse("0.0.0.0/0"), E1),
        new(IPNetwork.Parse("::/0"), E1),
        new(IPNetwork.Parse("2001:db8:d78:564::/96"), E1),
        new(IPNetwork.Parse("198.51.100.53/32"), E1),
        new(IPNetwork.Parse("2001:db8:d78:500::1:0/128"), E1),
    ];

    private static readonly Attraction[] Upstream =
    [
        new(IPNetwork.Parse("192.0.2.0/30"), NoExport),
        new(IPNetwork.Parse("2001:db8:d78::3:0:0/125"), NoExport),
    ];

    private readonly RecordingLogger<GuardWatch> log = new();

    [Fact]
    public async Task Watch_DaemonsEndOfThePipeCloses_WithdrawsEverythingAtBothSpeakers()
    {
        var frr = new FakeDaemonSpeaker("frr-ospf", RoutingProtocol.Ospf, IntoTheSite);
        var gobgp = new FakeDaemonSpeaker("gobgp", RoutingProtocol.Bgp, Upstream);
        using var daemon = new AnonymousPipeServerStream(PipeDirection.Out);
        using var pipe = new StreamReader(new AnonymousPipeClientStream(PipeDirection.In, daemon.ClientSafePipeHandle));

        var watching = Watch(pipe, frr, gobgp);
        Assert.False(watching.IsCompleted, "the guard ended while the daemon's end was open");
        Assert.Equal(0, frr.Reads + gobgp.Reads);
        daemon.Dispose();
        var outcome = await watching.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.False(outcome.WasReleased);
        Assert.True(outcome.Succeeded, string.Join("; ", outcome.Speakers.Select(result => result.Error)));
        Assert.Empty(frr.Violations);
        Assert.Empty(gobgp.Violations);
        Assert.Empty(frr.Held);
        Assert.Empty(gobgp.Held);
        Assert.Equal(IntoTheSite.OrderBy(ByPrefix), frr.Withdrawn.OrderBy(ByPrefix));
        Assert.Equal(Upstream.OrderBy(ByPrefix), gobgp.Withdrawn.OrderBy(ByPrefix));
        Assert.Equal(IntoTheSite.Length + Upstream.Length, log.Count(AppEventIds.GuardWithdrew));
        Assert.Contains("border daemon gone; withdrew 192.0.2.0/30 from gobgp", log.Entries.Select(entry => entry.Message));
        Assert.Contains("border daemon gone; withdrew 2001:db8:d78:564::/96 from frr-ospf", log.Entries.Select(entry => entry.Message));
    }

    [Fact]
    public async Task Watch_Released_AsksNoSpeakerAnything()
    {
        var frr = new FakeDaemonSpeaker("frr-ospf", RoutingProtocol.Ospf, IntoTheSite);
        var gobgp = new FakeDaemonSpeaker("gobgp", RoutingProtocol.Bgp, Upstream);

        var outcome = await Watch(new StringReader(AttractionGuard.ReleaseLine + "\n"), frr, gobgp).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.True(outcome.WasReleased);
        Assert.Equal(0, frr.Reads + gobgp.Reads);
        Assert.Equal(IntoTheSite.Length, frr.Held.Count);
        Assert.Equal(Upstream.Length, gobgp.Held.Count);
        Assert.Empty(log.Entries);
    }

    [Theory]
    [InlineData("frr-ospf")]
    [InlineData("gobgp")]
    public async Task Watch_OneSpeakerRefusesHalfway_TheOtherStillWithdrawsEverythingAndTheFailureIsReported(string failing)
    {
        var refusal = $"{failing}: daemon refused the withdrawal";
        var frr = new FakeDaemonSpeaker("frr-ospf", RoutingProtocol.Ospf, IntoTheSite) { RefuseWithdrawal = failing == "frr-ospf" ? (2, refusal) : null };
        var gobgp = new FakeDaemonSpeaker("gobgp", RoutingProtocol.Bgp, Upstream) { RefuseWithdrawal = failing == "gobgp" ? (2, refusal) : null };
        var (broken, healthy) = failing == "frr-ospf" ? (frr, gobgp) : (gobgp, frr);

        var outcome = await Watch(new StringReader(string.Empty), frr, gobgp).WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.False(outcome.Succeeded);
        Assert.Empty(healthy.Held);
        Assert.Empty(frr.Violations);
        Assert.Empty(gobgp.Violations);
        var result = Assert.Single(outcome.Speakers, result => !result.Succeeded);
        Assert.Equal((failing, refusal, 1), (result.Speaker, result.Error, result.Actions.Count));
        Assert.Single(broken.Withdrawn);
        var reported = Assert.Single(log.Entries, entry => entry.EventId == AppEventIds.GuardWithdrawFailed);
        Assert.Equal(LogLevel.Error, reported.Level);
        Assert.Equal(
            $"border daemon gone; could not withdraw everything from {failing} (1 withdrawn), it may still announce this gateway's attractions: {refusal}",
            reported.Message);
    }

    [Fact]
    public async Task Watch_OneSpeakerHangs_TheOtherWithdrawsMeanwhileAndTheHangingOneIsReportedWhenItFails()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var frr = new FakeDaemonSpeaker("frr-ospf", RoutingProtocol.Ospf, IntoTheSite) { ReadGate = answer.Task };
        var gobgp = new FakeDaemonSpeaker("gobgp", RoutingProtocol.Bgp, Upstream);

        var watching = Watch(new StringReader(string.Empty), frr, gobgp);
        await gobgp.Emptied.WaitAsync(Wait, TestContext.Current.CancellationToken);
        Assert.False(watching.IsCompleted);
        Assert.Equal(IntoTheSite.Length, frr.Held.Count);
        answer.SetException(new SpeakerException("vtysh at /run/frr: did not answer within 5000 ms"));
        var outcome = await watching.WaitAsync(Wait, TestContext.Current.CancellationToken);

        Assert.Equal(
            [("frr-ospf", "vtysh at /run/frr: did not answer within 5000 ms"), ("gobgp", null)],
            outcome.Speakers.Select(result => (result.Speaker, result.Error)).Order());
        Assert.Empty(gobgp.Held);
        Assert.Contains(log.Entries, entry => entry.EventId == AppEventIds.GuardWithdrawFailed && entry.Message.Contains("frr-ospf", StringComparison.Ordinal));
    }

    private static string ByPrefix(Attraction attraction) => attraction.Prefix.ToString();

    private Task<GuardOutcome> Watch(TextReader pipe, params IRouteSpeaker[] speakers) =>
        new GuardWatch(pipe, speakers, log, NullLogger<AttractionReconciler>.Instance).WatchAsync("gw1");

    /// <summary>A speaker's daemon holding this gateway's attractions. The guard only ever withdraws, so an
    /// announcement is a violation, and so is a withdrawal of a prefix the daemon does not hold (the real one
    /// refuses it); violations are recorded for the test to assert, not thrown where the reconciler would catch them.</summary>
    private sealed class FakeDaemonSpeaker(string name, RoutingProtocol protocol, IEnumerable<Attraction> holding) : IRouteSpeaker
    {
        private readonly Lock gate = new();
        private readonly HashSet<Attraction> held = [.. holding];
        private readonly List<Attraction> withdrawn = [];
        private readonly List<string> violations = [];
        private readonly TaskCompletionSource emptied = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int reads;

        public string Name => name;

        /// <summary>What the read of the held set waits for: a pending task hangs it, a faulted one fails it.</summary>
        public Task ReadGate { get; init; } = Task.CompletedTask;

        /// <summary>The withdrawal (1-based) at which the daemon refuses, and its words.</summary>
        public (int At, string Message)? RefuseWithdrawal { get; init; }

        public int Reads => Volatile.Read(ref reads);

        /// <summary>Completes once the daemon holds nothing.</summary>
        public Task Emptied => emptied.Task;

        public IReadOnlyList<Attraction> Held => Locked(() => held.ToList());

        public IReadOnlyList<Attraction> Withdrawn => Locked(() => withdrawn.ToList());

        public IReadOnlyList<string> Violations => Locked(() => violations.ToList());

        public bool Carries(Attraction attraction) => attraction.Protocol == protocol;

        public async Task<IReadOnlySet<Attraction>> GetHeldAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref reads);
            await ReadGate;
            return Locked(() => held.ToHashSet());
        }

        public Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken)
        {
            Locked(() => violations.Add($"{name} was asked to announce {attraction}"));
            return Task.CompletedTask;
        }

        public Task WithdrawAsync(Attraction attraction, CancellationToken cancellationToken)
        {
            lock (gate)
            {
                if (RefuseWithdrawal is var (at, message) && withdrawn.Count + 1 == at)
                {
                    return Task.FromException(new SpeakerException(message));
                }

                if (!held.Remove(attraction))
                {
                    violations.Add($"{name} was asked to withdraw {attraction}, which it does not hold");
                }

                withdrawn.Add(attraction);
                if (held.Count == 0)
                {
                    emptied.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }

        private T Locked<T>(Func<T> read)
        {
            lock (gate)
            {
                return read();
            }
        }

        private void Locked(Action change)
        {
            lock (gate)
            {
                change();
            }
        }
    }
}
