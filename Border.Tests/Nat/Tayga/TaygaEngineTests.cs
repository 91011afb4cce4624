using System.Net;
using Border.Nat;
using Border.Nat.Links;
using Border.Nat.Processes;
using Border.Nat.Tayga;
using Border.Routing.Health;
using Border.Tests.Integration.Nat;
using Border.Tests.Nat.Fakes;

namespace Border.Tests.Nat.Tayga;

public sealed class TaygaEngineTests : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private readonly string directory = Directory.CreateTempSubdirectory("border-tayga-").FullName;
    private readonly FakeTayga tayga = new();
    private readonly FakeLinks links = new();
    private readonly FakeLinkWatcher watcher = new();
    private readonly TimerCountingTimeProvider time = new();
    private readonly RecordingLogger<TaygaEngine> logger = new();
    private readonly TaygaEngine engine;

    public TaygaEngineTests()
    {
        engine = new TaygaEngine(
            new TaygaOptions
            {
                Prefix = IPNetwork.Parse("2001:db8:d78:564::/96"),
                Ipv4Address = IPAddress.Parse("198.51.100.193"),
                DynamicPool = IPNetwork.Parse("198.51.100.192/27"),
                DataDirectory = Path.Combine(directory, "data"),
            },
            new TaygaEngineOptions
            {
                ConfigPath = Path.Combine(directory, "tayga.conf"),
                Restart = new ChildRestartOptions
                {
                    FirstDelay = TimeSpan.FromMilliseconds(100),
                    MaxDelay = TimeSpan.FromMilliseconds(1000),
                    StableRun = TimeSpan.FromSeconds(60),
                },
            },
            tayga,
            links,
            watcher,
            time,
            logger);
    }

    [Fact]
    public async Task ReadCounters_NoDynamicMapYet_CountsNoMappings()
    {
        var counters = await engine.ReadCountersAsync(TestContext.Current.CancellationToken);

        var counter = Assert.Single(counters);
        Assert.Equal(("border_tayga_dynamic_mappings", 0d), (counter.Name, counter.Value));
        Assert.Equal([new KeyValuePair<string, string>("tun", "nat64")], counter.Labels);
    }

    [Fact]
    public async Task ReadCounters_DynamicMapWithTwoClients_CountsTwo()
    {
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        await File.WriteAllTextAsync(
            Path.Combine(directory, "data", "dynamic.map"),
            "198.51.100.200 2001:db8:d78:50b::10 1795425600\n198.51.100.201 2001:db8:d78:50b::11 1795425660\n",
            TestContext.Current.CancellationToken);

        var counters = await engine.ReadCountersAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2, Assert.Single(counters).Value);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("198.51.100.200 2001:db8:d78:50b::10 1795425600\n", 1)]
    [InlineData("198.51.100.200 2001:db8:d78:50b::10 1795425600\n\n198.51.100.201 2001:db8:d78:50b::11 1795425660", 2)]
    [InlineData("# a comment\nnot a mapping\n2001:db8::1 198.51.100.200 0\n", 0)]
    public void DynamicMap_Count_CountsTheLinesThatMapAnIpv4ToAnIpv6Address(string text, int mappings) =>
        Assert.Equal(mappings, TaygaDynamicMap.Count(text));

    [Fact]
    public async Task Apply_FirstTime_MakesTunRoutesItAndStartsTayga()
    {
        await engine.ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, tayga.TunsMade);
        Assert.Equal(["2001:db8:d78:564::/96 dev nat64", "198.51.100.192/27 dev nat64"], links.Routes);
        Assert.Equal("nat64", watcher.Device);
        var started = await NextAsync(result => result.Healthy);
        Assert.Equal("tayga running (pid 101)", started.Reason);
    }

    [Fact]
    public async Task Supervisor_ChildDies_ReportsExitAtOnceAndRestartsOnlyAfterBackoff()
    {
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        await NextAsync(result => result.Healthy);

        Child(0).Exit(137);
        var exit = await NextAsync(result => !result.Healthy);
        Assert.Equal("tayga-process", exit.Check);
        Assert.Equal("tayga exited (code 137, signal 9)", exit.Reason);
        await WaitForBackoffAsync(1);

        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Single(tayga.Started);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var back = await NextAsync(result => result.Healthy);
        Assert.Equal("tayga running (pid 102)", back.Reason);

        Child(1).Exit(1);
        await NextAsync(result => !result.Healthy);
        await WaitForBackoffAsync(2);
        time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.Equal(2, tayga.Started.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("tayga running (pid 103)", (await NextAsync(result => result.Healthy)).Reason);
    }

    [Fact]
    public async Task Supervisor_ExitAfterStableRun_RestartsAfterFirstDelayAgain()
    {
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        await NextAsync(result => result.Healthy);
        Child(0).Exit(1);
        await WaitForBackoffAsync(1);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await NextAsync(result => result.Healthy && result.Reason.Contains("102", StringComparison.Ordinal));

        time.Advance(TimeSpan.FromSeconds(61));
        Child(1).Exit(1);
        await WaitForBackoffAsync(2);
        time.Advance(TimeSpan.FromMilliseconds(100));

        Assert.Equal("tayga running (pid 103)", (await NextAsync(result => result.Healthy && result.Reason.Contains("103", StringComparison.Ordinal))).Reason);
    }

    [Fact]
    public async Task Apply_ConfigEditedOnDisk_RewritesAndRestartsAtOnceWithoutBackoff()
    {
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        await NextAsync(result => result.Healthy);
        var configPath = Path.Combine(directory, "tayga.conf");
        var rendered = await File.ReadAllTextAsync(configPath, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(configPath, "tun-device other\n", TestContext.Current.CancellationToken);

        await engine.ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(rendered, await File.ReadAllTextAsync(configPath, TestContext.Current.CancellationToken));
        Assert.Equal("tayga exited (code 137, signal 9)", (await NextAsync(result => !result.Healthy)).Reason);
        Assert.Equal("tayga running (pid 102)", (await NextAsync(result => result.Healthy)).Reason);
        Assert.Equal(0, logger.Count(NatEventIds.ChildRestartScheduled));
    }

    [Fact]
    public async Task Apply_Again_Unchanged_KeepsTheRunningChild()
    {
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        await NextAsync(result => result.Healthy);

        await engine.ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Single(tayga.Started);
        Assert.False(Child(0).Exited.IsCompleted);
        Assert.Equal(1, tayga.TunsMade);
    }

    [Fact]
    public async Task Probe_ChildExitedAndTunDown_FailsWithLastExit()
    {
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        await NextAsync(result => result.Healthy);
        Assert.Equal("tayga running (pid 101), tun nat64 up", (await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken)).Reason);

        Child(0).Exit(137);
        await NextAsync(result => !result.Healthy);
        var result = await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("tayga not running (last exit: code 137, signal 9)", result.Reason);
    }

    [Fact]
    public async Task TunNotifications_DownThenUp_PublishedOncePerChange()
    {
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        await NextAsync(result => result.Healthy);

        watcher.OnChange!(new LinkState("nat64", true, "DOWN"));
        watcher.OnChange!(new LinkState("nat64", true, "DOWN"));
        watcher.OnChange!(null);
        watcher.OnChange!(new LinkState("nat64", true, "UNKNOWN"));

        Assert.Equal("tun nat64 down (operstate DOWN)", (await NextAsync(result => result.Check == "tun nat64")).Reason);
        var up = await NextAsync(result => result.Check == "tun nat64");
        Assert.True(up.Healthy);
        Assert.Equal("tun nat64 up", up.Reason);
    }

    public async ValueTask DisposeAsync()
    {
        await engine.DisposeAsync();
        Directory.Delete(directory, recursive: true);
    }

    private FakeChild Child(int index) => tayga.Started.ElementAt(index);

    private async Task<CheckResult> NextAsync(Func<CheckResult, bool> match) =>
        await Waiting.EventAsync(engine.Events, match, Bound) ?? throw new TimeoutException("no such event");

    /// <summary>Waits until the child supervisor has logged its <paramref name="count"/>th restart delay and begun
    /// waiting for it on the fake clock; the engine's only timers are those waits.</summary>
    private async Task WaitForBackoffAsync(int count) =>
        Assert.True(
            await Waiting.UntilAsync(() => Task.FromResult(logger.Count(NatEventIds.ChildRestartScheduled) >= count && time.TimersCreated >= count), Bound),
            $"restart delay {count} not logged and waited for");
}
