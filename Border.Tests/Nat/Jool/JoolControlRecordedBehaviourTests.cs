using System.Net;
using Border.Nat.Jool;
using Border.Nat.Tools;
using Border.Routing.Processes;
using Border.Tests.Nat.Fakes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Nat.Jool;

/// <summary>The Jool engine against recorded behaviour of the real jool 4.1.9 CLI and of modprobe (see Recorded/README.md).</summary>
public sealed class JoolControlRecordedBehaviourTests : IDisposable
{
    private static readonly string[] Read =
        ["instance-display-csv", "global-display-csv", "pool4-display-csv-tcp", "pool4-display-csv-udp", "pool4-display-csv-icmp"];

    private const string ModuleMissing = "jool kernel module not loaded (Error: Jool's socket family doesn't seem to exist.)";

    private readonly string directory = Directory.CreateTempSubdirectory("border-jool-").FullName;

    /// <summary>The instance the recordings created: ICMP ids were left to Jool's default, 61001-65535.</summary>
    private static JoolOptions Recorded => new()
    {
        Pool6 = IPNetwork.Parse("2001:db8:d78:564::/96"),
        Pool4 = IPNetwork.Parse("192.0.2.0/30"),
        IcmpIds = new PortRange(61001, 65535),
    };

    [Fact]
    public async Task ReadBack_RecordedInstance_HealthyWithPools()
    {
        var runner = new RecordedJoolRunner(Read);

        var result = await Engine(Recorded, runner).ReadBackAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Healthy, result.Reason);
        Assert.Equal("jool-instance border", result.Check);
        Assert.Equal("instance border present with pool6 2001:db8:d78:564::/96 and pool4 192.0.2.0/30", result.Reason);
        runner.AssertAllCalled();
    }

    [Fact]
    public async Task ReadInstance_RecordedInstance_ParsesEveryPool4RowOfEachProtocol()
    {
        var runner = new RecordedJoolRunner(Read);

        var live = await new JoolCli(runner, new NatToolOptions()).ReadInstanceAsync("border", TestContext.Current.CancellationToken);

        Assert.NotNull(live);
        Assert.Equal("netfilter", live.Framework);
        Assert.Equal(IPNetwork.Parse("2001:db8:d78:564::/96"), live.Pool6);
        Assert.Equal(12, live.Pool4.Count);
        Assert.Equal(new Pool4Row("ICMP", IPAddress.Parse("192.0.2.3"), new PortRange(61001, 65535)), live.Pool4[^1]);
        runner.AssertAllCalled();
    }

    [Fact]
    public async Task Apply_RecordedInstanceMatches_NoFileHandle()
    {
        var runner = new RecordedJoolRunner(Read);

        await Engine(Recorded, runner).ApplyAsync(TestContext.Current.CancellationToken);

        runner.AssertAllCalled();
    }

    [Fact]
    public async Task Apply_NoInstance_CreatesItWithFileHandle()
    {
        var runner = new RecordedJoolRunner("instance-display-csv-no-instance", "file-handle-create");

        await Engine(Recorded, runner).ApplyAsync(TestContext.Current.CancellationToken);

        runner.AssertAllCalled();
        Assert.Contains("\"pool6\": \"2001:db8:d78:564::/96\"", await File.ReadAllTextAsync(InstanceFile, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_Pool4Changed_UpdatesInPlaceWithFileHandle()
    {
        var runner = new RecordedJoolRunner([.. Read, "file-handle-pool4-changed"]);
        var options = Recorded with { Pool4 = IPNetwork.Parse("192.0.2.4/30") };

        await Engine(options, runner, "input-border-pool4-changed.json").ApplyAsync(TestContext.Current.CancellationToken);

        runner.AssertAllCalled();
    }

    [Fact]
    public async Task Apply_Pool6Changed_RemovesInstanceThenCreatesIt()
    {
        var runner = new RecordedJoolRunner([.. Read, "instance-remove", "file-handle-create"]);
        var options = Recorded with { Pool6 = IPNetwork.Parse("2001:db8:d78:565::/96") };

        await Engine(options, runner).ApplyAsync(TestContext.Current.CancellationToken);

        runner.AssertAllCalled();
    }

    [Fact]
    public async Task HandleFile_Pool6ChangedInPlace_FailsWithJoolsOwnReason()
    {
        var runner = new RecordedJoolRunner("file-handle-pool6-changed");

        var failure = await Assert.ThrowsAsync<CommandFailedException>(() =>
            new JoolCli(runner, new NatToolOptions()).HandleFileAsync(Path.Combine(directory, "input-border-pool6-changed.json"), TestContext.Current.CancellationToken));

        Assert.Contains("exited with code 22: Error: The kernel module returned error 22: Sorry; you can't change a NAT64 instance's pool6", failure.Message, StringComparison.Ordinal);
        runner.AssertAllCalled();
    }

    [Fact]
    public async Task ReadBack_Pool6Differs_SaysWantedAndLive()
    {
        var runner = new RecordedJoolRunner(Read);
        var options = Recorded with { Pool6 = IPNetwork.Parse("2001:db8:d78:565::/96") };

        var result = await Engine(options, runner).ReadBackAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("instance border: pool6 differs: want 2001:db8:d78:565::/96, have 2001:db8:d78:564::/96", result.Reason);
        runner.AssertAllCalled();
    }

    [Fact]
    public async Task ReadBack_Pool4Differs_NamesMissingAndUnexpectedRows()
    {
        var runner = new RecordedJoolRunner(Read);
        var options = Recorded with { Pool4 = IPNetwork.Parse("192.0.2.4/30") };

        var result = await Engine(options, runner).ReadBackAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal(
            "instance border: pool4 differs: missing ICMP 192.0.2.4 61001-65535; ICMP 192.0.2.5 61001-65535; ICMP 192.0.2.6 61001-65535 and 9 more, "
            + "unexpected ICMP 192.0.2.0 61001-65535; ICMP 192.0.2.1 61001-65535; ICMP 192.0.2.2 61001-65535 and 9 more",
            result.Reason);
        runner.AssertAllCalled();
    }

    [Fact]
    public async Task ReadBack_NoInstance_SaysInstanceMissing()
    {
        var runner = new RecordedJoolRunner("instance-display-csv-no-instance");

        var result = await Engine(Recorded, runner).ReadBackAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("instance border missing", result.Reason);
        runner.AssertAllCalled();
    }

    [Theory]
    [InlineData("global-display-csv-no-instance")]
    [InlineData("global-display-csv", "pool4-display-csv-tcp", "pool4-display-csv-udp-no-instance")]
    public async Task ReadBack_InstanceRemovedWhileBeingRead_SaysInstanceMissing(params string[] readsAfterTheListing)
    {
        var runner = new RecordedJoolRunner(["instance-display-csv", .. readsAfterTheListing]);

        var result = await Engine(Recorded, runner).ReadBackAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("instance border missing", result.Reason);
        runner.AssertAllCalled();
    }

    [Fact]
    public async Task Apply_ModuleNotLoaded_LoadsItWithModprobeThenCreatesTheInstance()
    {
        var runner = new RecordedJoolRunner("instance-display-csv-no-module", "modprobe-jool", "instance-display-csv-no-instance", "file-handle-create");
        var log = new RecordingLogger<JoolEngine>();

        await Engine(Recorded, runner, log: log).ApplyAsync(TestContext.Current.CancellationToken);

        runner.AssertAllCalled();
        Assert.Equal(
            [
                (LogLevel.Warning, $"{ModuleMissing}; loaded it with modprobe jool to apply instance border"),
                (LogLevel.Information, "jool instance border applied"),
            ],
            log.Entries.Select(entry => (entry.Level, entry.Message)));
    }

    [Fact]
    public async Task Apply_ModuleLoaded_NeverRunsModprobe()
    {
        var runner = new RecordedJoolRunner("instance-display-csv-no-instance", "file-handle-create");

        await Engine(Recorded, runner).ApplyAsync(TestContext.Current.CancellationToken);

        runner.AssertAllCalled();
    }

    [Fact]
    public async Task Apply_ModuleFilesMissing_FailsWithModprobesOwnReasonAndAppliesNothing()
    {
        var runner = new RecordedJoolRunner("instance-display-csv-no-module", "modprobe-jool-no-module-tree");

        var failure = await Assert.ThrowsAsync<CommandFailedException>(() => Engine(Recorded, runner).ApplyAsync(TestContext.Current.CancellationToken));

        runner.AssertAllCalled();
        Assert.Matches(
            @"^jool kernel module not loaded \(Error: Jool's socket family doesn't seem to exist\.\); loading it failed: /usr/sbin/modprobe jool exited with code 1: modprobe: FATAL: Module jool not found in directory /lib/modules/[^ /]+$",
            failure.Message);
        Assert.Equal(1, failure.Result?.ExitCode);
    }

    [Fact]
    public async Task Apply_ModuleGoneAgainRightAfterLoading_FailsAsModuleMissingForTheKeeperToRetry()
    {
        var runner = new RecordedJoolRunner("instance-display-csv-no-module", "modprobe-jool", "instance-display-csv-no-module");

        var failure = await Assert.ThrowsAsync<JoolModuleMissingException>(() => Engine(Recorded, runner).ApplyAsync(TestContext.Current.CancellationToken));

        runner.AssertAllCalled();
        Assert.Equal(ModuleMissing, failure.Message);
    }

    [Fact]
    public async Task Probe_ModuleUnloaded_PublishesTheFaultAndAsksTheKeeperForAnApply()
    {
        var runner = new RecordedJoolRunner("instance-display-csv-no-module", "instance-display-csv-no-module");
        var engine = Engine(Recorded, runner);

        var first = await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken);
        var second = await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken);

        runner.AssertAllCalled();
        Assert.False(first.Healthy);
        Assert.Equal($"{ModuleMissing}; loading it and applying again", first.Reason);
        Assert.Equal(first.Reason, second.Reason);
        Assert.True(engine.Events.TryRead(out var published));
        Assert.Equal((false, ModuleMissing), (published.Healthy, published.Reason));
        Assert.False(engine.Events.TryRead(out _), "the fault lasted, and was published a second time");
        Assert.True(engine.ReapplyRequests.TryRead(out var request));
        Assert.Equal(ModuleMissing, request);
        Assert.False(engine.ReapplyRequests.TryRead(out _), "two requests waiting: the second probe's should have replaced the first's");
    }

    [Fact]
    public async Task Probe_InstanceRemoved_PublishesFaultThenRecreatesInstance()
    {
        var runner = new RecordedJoolRunner("instance-display-csv-no-instance", "instance-display-csv-no-instance", "file-handle-create");
        var engine = Engine(Recorded, runner);

        var result = await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("instance border missing; re-applied", result.Reason);
        Assert.True(engine.Events.TryRead(out var published));
        Assert.False(published.Healthy);
        Assert.Equal("instance border missing", published.Reason);
        runner.AssertAllCalled();
    }

    [Fact]
    public async Task Probe_InstanceRemovedAndFileRefused_SaysWhyReapplyingFailed()
    {
        var runner = new RecordedJoolRunner("instance-display-csv-no-instance", "instance-display-csv-no-instance", "file-handle-invalid-json");
        var engine = Engine(Recorded, runner, "input-invalid.json");

        var result = await engine.Probes[0].ProbeAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.StartsWith("instance border missing; re-applying failed: /usr/bin/jool file handle ", result.Reason, StringComparison.Ordinal);
        runner.AssertAllCalled();
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string InstanceFile => Path.Combine(directory, "input-border.json");

    private JoolEngine Engine(JoolOptions options, RecordedJoolRunner runner, string fileName = "input-border.json", ILogger<JoolEngine>? log = null) =>
        new(
            options,
            new JoolEngineOptions { InstanceFilePath = Path.Combine(directory, fileName) },
            new JoolCli(runner, new NatToolOptions { Jool = RecordedJoolRunner.Jool, Modprobe = RecordedJoolRunner.Modprobe }),
            TimeProvider.System,
            log ?? NullLogger<JoolEngine>.Instance);
}
