using System.Net;
using Border.App.State;
using Border.App.Supervision;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Policy;
using Border.Routing.Reconciliation;
using Border.Tests.Nat.Fakes;
using Border.Tests.Routing.Reconciliation;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.App.Supervision;

/// <summary>A supervisor over nat44 (nftables) and nat64 (tayga + nftables) sharing the IPv4 pool, with fake
/// speakers, a fake clock and a drain store in a temporary directory; rise 2, fall 2. Disposing fails the test on
/// any impossible call a speaker recorded.</summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    public const string Nft = "nft-table";
    public const string TaygaData = "nat64-ping";
    public const string TaygaProcess = "tayga-process";
    public const string Uplink = "uplink gobgp";

    public static readonly IPNetwork Pool = IPNetwork.Parse("192.0.2.0/30");
    public static readonly IPNetwork Nat64Prefix = IPNetwork.Parse("2001:db8:d78:564::/96");

    private CancellationTokenSource running = new();
    private Task loop;

    public SupervisorHarness(params Attraction[] staleAtOspf)
        : this(new Dictionary<Service, Drain>(), staleAtOspf)
    {
    }

    /// <param name="drainsOnDisk">The drains an earlier run left in the state directory; the real drain store
    /// writes them there before the supervisor starts.</param>
    /// <param name="staleAtOspf">What an earlier run left announced at OSPF.</param>
    public SupervisorHarness(IReadOnlyDictionary<Service, Drain> drainsOnDisk, params Attraction[] staleAtOspf)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("border-supervisor-").FullName;
        var earlierRun = DrainStore.Load(Directory);
        foreach (var (service, drain) in drainsOnDisk)
        {
            earlierRun.Drain(service, drain);
        }

        Ospf = new FakeSpeaker("frr-ospf", RoutingProtocol.Ospf, Impossible);
        Bgp = new FakeSpeaker("gobgp", RoutingProtocol.Bgp, Impossible);
        Ospf.Hold(staleAtOspf);
        var catalog = AttractionCatalog.Build(new AttractionCatalogOptions
        {
            Nat44Pool = Pool,
            Nat64Prefix = Nat64Prefix,
            Nat64Pool4 = Pool,
            Ospf = new OspfAttributes(200, OspfMetricType.E1),
            Bgp = new BgpAttributes(new BgpCommunities([BgpCommunities.NoExport])),
        });
        var thresholds = new HealthThresholds(2, 2);
        Plan = new SupervisorPlan(
            "gw1",
            catalog,
            [
                new ServicePlan(Service.Nat44, "nftables", new CheckPlan([Nft], thresholds)),
                new ServicePlan(Service.Nat64, "tayga + nftables", new CheckPlan([TaygaData, Nft], thresholds)),
            ],
            new CheckPlan([Uplink], thresholds),
            new DampingOptions(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(2)));
        (Supervisor, loop) = Start(null);
    }

    public string Directory { get; }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-11-22T10:00:00Z"));

    /// <summary>What the speakers refused as impossible; disposing fails the test on any left unreported.</summary>
    public ImpossibleCalls Impossible { get; } = new();

    public FakeSpeaker Ospf { get; }

    public FakeSpeaker Bgp { get; }

    public RecordingLogger<GatewaySupervisor> Log { get; } = new();

    public SupervisorPlan Plan { get; }

    public GatewaySupervisor Supervisor { get; private set; }

    public IReadOnlySet<string> OspfHeld => Held(Ospf);

    public IReadOnlySet<string> BgpHeld => Held(Bgp);

    public void Probe(string check, bool healthy, params Service[] services) =>
        Supervisor.Report(new CheckReport(services, new CheckResult(check, healthy, healthy ? "ok" : "no reply", Time.GetUtcNow(), TimeSpan.FromMilliseconds(3)), IsEvent: false));

    public void Event(string check, bool healthy, string reason, params Service[] services) =>
        Supervisor.Report(new CheckReport(services, new CheckResult(check, healthy, reason, Time.GetUtcNow(), TimeSpan.Zero), IsEvent: true));

    /// <summary>One round of every probe passing (or the uplink failing).</summary>
    public void ProbeAll(bool uplinkHealthy = true)
    {
        Probe(Nft, true, Service.Nat44, Service.Nat64);
        Probe(TaygaData, true, Service.Nat64);
        Supervisor.Report(new CheckReport([], new CheckResult(Uplink, uplinkHealthy, uplinkHealthy ? "established, default received" : "session 198.51.100.129 Idle", Time.GetUtcNow(), TimeSpan.Zero), IsEvent: false));
    }

    /// <summary>Fails the test on a change a speaker refused as impossible, and on a speaker error the last
    /// reconcile left in status.</summary>
    public void AssertSpeakersInSync()
    {
        Impossible.AssertNone();
        Assert.All(Supervisor.Snapshot.Speakers, speaker => Assert.True(speaker.Value.Error is null, $"{speaker.Key}: {speaker.Value.Error}"));
    }

    /// <summary>Waits until every report queued so far has been through a pass and its reconcile.</summary>
    public Task SettleAsync() => Supervisor.UndrainAsync([], TestContext.Current.CancellationToken);

    public async Task RiseAsync()
    {
        ProbeAll();
        ProbeAll();
        await SettleAsync();
    }

    /// <summary>Does what a reload does: stops this supervisor, and starts the next over the same plan and speakers
    /// with what it hands over; <paramref name="keep"/> names the services whose settings did not change.</summary>
    public async Task ReloadAsync(bool keepUplink, params Service[] keep)
    {
        await running.CancelAsync();
        await loop;
        var handover = Supervisor.HandOver(service => keep.Contains(service.Service), keepUplink);
        Supervisor.Dispose();
        running.Dispose();
        running = new CancellationTokenSource();
        (Supervisor, loop) = Start(handover);
        await Supervisor.FirstPass.WaitAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await running.CancelAsync();
        await loop;
        Supervisor.Dispose();
        running.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        Impossible.AssertNone();
    }

    private (GatewaySupervisor Supervisor, Task Loop) Start(HealthHandover? handover)
    {
        var supervisor = new GatewaySupervisor(
            Plan,
            DrainStore.Load(Directory),
            [Ospf, Bgp],
            new AttractionReconciler([Ospf, Bgp], NullLogger<AttractionReconciler>.Instance),
            Time,
            Log,
            handover);
        return (supervisor, supervisor.RunAsync(running.Token));
    }

    private static HashSet<string> Held(FakeSpeaker speaker) =>
        speaker.Held.Select(attraction => attraction.Prefix.ToString()).ToHashSet();
}
