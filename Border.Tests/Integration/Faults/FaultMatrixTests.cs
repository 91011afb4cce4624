using System.Globalization;
using System.Text.Json;
using Border.Tests.Integration.Supervisor;

namespace Border.Tests.Integration.Faults;

/// <summary>The fault matrix: one fault at a time on gw1 of the full lab. Each test shows that nothing stays announced
/// for a service that cannot serve it (core's kernel table, upstream's BGP table), that nothing is lost (drains, the
/// config), that border keeps running, that its log gives the reason, and that it recovers once the fault clears.</summary>
/// <remarks>Each test starts from, and restores, both gateways healthy and announcing, so the order does not matter.
/// Withdrawals of the NAT64 /96 take about 5 s beyond detection: FRR re-evaluates a changed prefix-list after a fixed
/// delay (FrrOspfSpeaker). Damping may hold a service that flapped in an earlier test down for a while, which the
/// recovery budget covers.</remarks>
public sealed class FaultMatrixTests(SupervisorLab lab, ITestOutputHelper output) : IClassFixture<SupervisorLab>
{
    private const string Gateway = "gw1";
    private const string Pool4 = "192.0.2.0/30";
    private const string Gw1Upstream = "203.0.113.2";
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Detect = TimeSpan.FromSeconds(20);
    private static readonly HashSet<string> Both = ["gw1", "gw2"];
    private static readonly HashSet<string> Gw2Only = ["gw2"];
    private static readonly string[] Internal = ["0.0.0.0/0", "::/0", SupervisorLab.Nat64Prefix];

    [Fact]
    public async Task TaygaHung_Sigstop_ProbeWithdrawsNat64AfterFall_SigcontReannouncesAfterRise()
    {
        var before = await RequireBothHealthyAsync();
        var tayga = lab.TaygaPid(Gateway) ?? throw new InvalidOperationException("gw1 runs no tayga");

        await LabDaemons.SignalAsync("STOP", tayga);
        try
        {
            var withdrawn = await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Gw2Only), Detect, "core to lose gw1's /96 with tayga stopped");
            output.WriteLine($"tayga stopped -> gw1's /96 gone at core: {withdrawn.TotalMilliseconds:0} ms (probe interval 1 s x fall 2)");
            Assert.Equal('T', LabDaemons.State(tayga));
            Assert.Equal(Both, await lab.CorePathsAsync("0.0.0.0/0"));
            Assert.Equal(Both, await lab.CorePathsAsync("::/0"));
            Assert.True(await lab.UpstreamHasAsync(Pool4, Gw1Upstream), "the pool nat44 still serves was withdrawn with nat64");
            Assert.Contains("nat64 down: nat64-ping 203.0.113.10", LogSince(before), StringComparison.Ordinal);
        }
        finally
        {
            await LabDaemons.SignalAsync("CONT", tayga);
        }

        await RequireRecoveredAsync(before);
        Assert.Equal(tayga, lab.TaygaPid(Gateway));
    }

    [Fact]
    public async Task NftTableDeleted_BorderWithdrawsWhatNftServesAtOnce_TableReappliedAndReannounced()
    {
        var before = await RequireBothHealthyAsync();
        var tables = await lab.InNamespaceAsync(Gateway, "nft", "list", "tables");
        var table = tables.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Single(line => line.StartsWith("table inet ", StringComparison.Ordinal));

        var deleted = await lab.InNamespaceAsync(Gateway, "nft", ["delete", .. table.Split(' ')]);
        Assert.True(deleted.Succeeded, deleted.StandardError);

        // The event marks nat44, nat66 and nat64 down at once and the engine puts its table back within about 100 ms,
        // so core may see the defaults leave and come back inside one of its SPF runs: border's own withdrawals, in its
        // log, are the evidence of the first half, core's table of the second.
        await SupervisorLab.WaitUntilAsync(
            () => Task.FromResult(LogSince(before) is var log && log.Contains("withdrew 0.0.0.0/0 from frr-ospf", StringComparison.Ordinal) && log.Contains("withdrew ::/0 from frr-ospf", StringComparison.Ordinal)),
            Detect,
            "border to withdraw gw1's defaults after its nft table was deleted");
        var log = LogSince(before);
        Assert.Contains($"nftables drift: {table} missing", log, StringComparison.Ordinal);
        Assert.Contains("nat44 down", log, StringComparison.Ordinal);
        Assert.Contains($"withdrew {Pool4} from gobgp", log, StringComparison.Ordinal);

        await RequireRecoveredAsync(before);
        var again = await lab.InNamespaceAsync(Gateway, "nft", "list", "tables");
        Assert.Contains(table, again.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UplinkLinkDown_Gw1_WithdrawsItsInternalAttractions_LinkUpBringsThemBack()
    {
        var before = await RequireBothHealthyAsync();

        await lab.InNamespaceAsync(Gateway, "ip", "link", "set", "upstream", "down");
        try
        {
            var withdrawn = await SupervisorLab.WaitUntilAsync(
                async () => (await Task.WhenAll(Internal.Select(lab.CorePathsAsync))).All(paths => paths.SetEquals(Gw2Only)),
                Detect,
                "core to lose every internal attraction of gw1 with its uplink down");
            output.WriteLine($"uplink link down -> gw1's internal attractions gone at core: {withdrawn.TotalMilliseconds:0} ms");
            var log = LogSince(before);
            Assert.Contains("uplink down: failing:", log, StringComparison.Ordinal);
            Assert.Contains("link upstream: link upstream down (operstate DOWN, set down)", log, StringComparison.Ordinal);
            Assert.Contains("link upstream down (operstate DOWN, set down); withdrew 0.0.0.0/0 from frr-ospf", log, StringComparison.Ordinal);
        }
        finally
        {
            await UplinkUpAsync();
        }

        await RequireRecoveredAsync(before);
    }

    [Fact]
    public async Task GobgpdRestarted_Gw1_BorderReconcilesThePoolsBackWithNoExportAndNoDuplicates()
    {
        var before = await RequireBothHealthyAsync();

        try
        {
            await LabDaemons.StopAsync(LabDaemons.GobgpdPidFile(Gateway));
            await SupervisorLab.WaitUntilAsync(async () => !await lab.UpstreamHasAsync(Pool4, Gw1Upstream), Detect, "upstream to lose gw1's pool with its gobgpd gone");
        }
        finally
        {
            if (!LabDaemons.Running(LabDaemons.GobgpdPidFile(Gateway)))
            {
                await LabDaemons.StartGobgpdAsync(Gateway);
            }
        }

        await RequireRecoveredAsync(before);
        var paths = await lab.InNamespaceAsync("upstream", "vtysh", "--vty_socket", Path.Combine(SupervisorLab.Root, "upstream", "frr"), "-c", $"show bgp ipv4 unicast {Pool4}");
        Assert.Contains("Paths: (1 available", paths.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Community: no-export", paths.StandardOutput, StringComparison.Ordinal);
        var rib = await lab.InNamespaceAsync(Gateway, "gobgp", "-p", "50051", "global", "rib", "-a", "ipv4");
        Assert.Single(rib.StandardOutput.Split('\n'), line => line.Contains(Pool4, StringComparison.Ordinal));
        Assert.Contains("announced 192.0.2.0/30 to gobgp", LogSince(before), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FrrRestarted_Gw1_BorderReannouncesItsOspfAttractionsAtCore()
    {
        var before = await RequireBothHealthyAsync();

        try
        {
            foreach (var daemon in LabDaemons.Frr.Reverse())
            {
                await LabDaemons.StopAsync(LabDaemons.FrrPidFile(Gateway, daemon));
            }

            await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync("0.0.0.0/0")).SetEquals(Gw2Only), Detect, "core to lose gw1's default with its FRR gone");
        }
        finally
        {
            foreach (var daemon in LabDaemons.Frr.Where(daemon => !LabDaemons.Running(LabDaemons.FrrPidFile(Gateway, daemon))))
            {
                await LabDaemons.StartFrrAsync(Gateway, daemon);
            }
        }

        await RequireRecoveredAsync(before);
        var log = LogSince(before);
        foreach (var prefix in Internal)
        {
            Assert.Contains($"announced {prefix} to frr-ospf", log, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BorderRestarted_WhileNat64Drained_DrainHoldsAndCoreNeverSeesGw1sPrefixAgain_UndrainBringsItBack()
    {
        var before = await RequireBothHealthyAsync();
        await using var monitor = await CoreRouteMonitor.StartAsync(lab);
        var restarted = before.Pid;

        var drain = await lab.BorderCliAsync(Gateway, "drain", "--service", "nat64", "--reason", "fault matrix");
        Assert.True(drain.Succeeded, drain.StandardError);
        try
        {
            await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Gw2Only), Converge, "core to lose gw1's /96 after the drain");
            var drainedAt = monitor.Additions(SupervisorLab.Nat64Prefix, Gateway).Count;

            await lab.LabBorderAsync("stop", Gateway);
            Assert.True(await LabDaemons.WaitGoneAsync(before.Pid, TimeSpan.FromSeconds(10)), "border did not stop within 10 s of SIGTERM");
            await lab.LabBorderAsync("start", Gateway);
            restarted = lab.BorderPid(Gateway);
            await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync("0.0.0.0/0")).SetEquals(Both) && (await lab.CorePathsAsync("::/0")).SetEquals(Both), Converge, "restarted gw1 to announce its defaults after rise");
            var status = await StatusAsync();
            Assert.Contains("fault matrix", DrainReason(status, "nat64"), StringComparison.Ordinal);
            var prefix = Attraction(status, SupervisorLab.Nat64Prefix);
            Assert.False(prefix.GetProperty("announce").GetBoolean(), prefix.ToString());
            Assert.Contains("drained", prefix.GetProperty("reason").GetString(), StringComparison.Ordinal);

            // A /96 wrongly announced in the pass that announced the defaults would reach core after FRR's
            // prefix-list delay: watch that long before judging.
            await Task.Delay(TimeSpan.FromSeconds(7), TestContext.Current.CancellationToken);
            Assert.Equal(Gw2Only, await lab.CorePathsAsync(SupervisorLab.Nat64Prefix));
            Assert.Single(monitor.Deletions(SupervisorLab.Nat64Prefix, Gateway));
            Assert.Equal(drainedAt, monitor.Additions(SupervisorLab.Nat64Prefix, Gateway).Count);
        }
        finally
        {
            if (!LabDaemons.Alive(lab.BorderPid(Gateway)))
            {
                await lab.LabBorderAsync("start", Gateway);
            }

            await RetryUntilAsync(() => lab.BorderCliAsync(Gateway, "undrain", "--service", "nat64"), "undrain nat64 on gw1");
        }

        Assert.True(LabDaemons.Alive(restarted), "the restarted border is not running");
        await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Both), Converge, "gw1's /96 back after undrain");
        var after = await StatusAsync();
        Assert.Null(DrainReason(after, "nat64"));
    }

    /// <summary>Waits for both gateways healthy and announcing, and notes where gw1's log and border's life stand.</summary>
    private async Task<Baseline> RequireBothHealthyAsync()
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/lib/frr/zebra", "frr");
        Requires.Tool("/usr/bin/gobgpd", "gobgp");
        Requires.Tool("/usr/sbin/tayga", "tayga");
        Assert.True(lab.Unavailable is null, lab.Unavailable);

        await WaitBothAnnouncingAsync("both gateways announcing before the fault");
        return new Baseline(lab.BorderPid(Gateway), new FileInfo(LogPath).Length, await File.ReadAllBytesAsync(ConfigPath, TestContext.Current.CancellationToken), DateTimeOffset.UtcNow);
    }

    /// <summary>The fault has cleared: gw1 announces everything again, border is the same process and still
    /// supervising (its status is fresh), no drain appeared and its config file is as it was.</summary>
    private async Task RequireRecoveredAsync(Baseline before)
    {
        var back = await WaitBothAnnouncingAsync("gw1 to announce everything again after the fault cleared");
        output.WriteLine($"both gateways announcing again {back.TotalSeconds:0.0} s after the fault cleared");
        Assert.True(LabDaemons.Alive(before.Pid), $"border (pid {before.Pid}) is no longer running");
        Assert.Equal(before.Pid, lab.BorderPid(Gateway));
        var status = await StatusAsync();
        Assert.True(status.GetProperty("at").GetDateTimeOffset() > before.At, $"border's supervisor stopped passing: status is from {status.GetProperty("at")}");
        Assert.All(status.GetProperty("services").EnumerateArray(), service => Assert.Equal("up", service.GetProperty("health").GetString()));
        Assert.All(["nat44", "nat66", "nat64"], service => Assert.Null(DrainReason(status, service)));
        Assert.Equal(before.Config, await File.ReadAllBytesAsync(ConfigPath, TestContext.Current.CancellationToken));
    }

    private async Task<TimeSpan> WaitBothAnnouncingAsync(string what) =>
        await SupervisorLab.WaitUntilAsync(
            async () => (await Task.WhenAll(Internal.Select(lab.CorePathsAsync))).All(paths => paths.SetEquals(Both))
                && await lab.UpstreamHasAsync(Pool4, Gw1Upstream)
                && await lab.UpstreamHasAsync("192.0.2.4/30", "203.0.113.6"),
            Converge,
            what);

    /// <summary>Brings gw1's uplink back as the gateway's interface config would: up, with its IPv6 address (the kernel
    /// drops IPv6 addresses of a link set down) and the lab's static defaults (the kernel drops routes over it).</summary>
    private async Task UplinkUpAsync()
    {
        string[][] commands =
        [
            ["ip", "link", "set", "upstream", "up"],
            ["ip", "address", "replace", "2001:db8:d78:f01::2/64", "dev", "upstream", "nodad"],
            ["ip", "route", "replace", "default", "via", "203.0.113.1"],
            ["ip", "-6", "route", "replace", "default", "via", "2001:db8:d78:f01::1"],
        ];
        foreach (var command in commands)
        {
            var result = await lab.InNamespaceAsync(Gateway, command[0], command[1..]);
            Assert.True(result.Succeeded, $"{string.Join(' ', command)}: {result.StandardError}");
        }
    }

    private async Task<JsonElement> StatusAsync()
    {
        var status = await lab.BorderCliAsync(Gateway, "status", "--json");
        Assert.True(status.Succeeded, $"border status on gw1 failed: {status.StandardError}");
        return JsonDocument.Parse(status.StandardOutput).RootElement.Clone();
    }

    private static string? DrainReason(JsonElement status, string service)
    {
        var entry = status.GetProperty("services").EnumerateArray().Single(candidate => candidate.GetProperty("name").GetString() == service);
        return entry.TryGetProperty("drain", out var drain) && drain.ValueKind == JsonValueKind.Object ? drain.ToString() : null;
    }

    private static JsonElement Attraction(JsonElement status, string prefix) =>
        status.GetProperty("attractions").EnumerateArray().Single(attraction => attraction.GetProperty("prefix").GetString() == prefix);

    /// <summary>Runs a control command until it succeeds: a border just started answers "starting" for a moment.</summary>
    private static async Task RetryUntilAsync(Func<Task<Border.Routing.Processes.CommandResult>> command, string what)
    {
        Border.Routing.Processes.CommandResult? last = null;
        await SupervisorLab.WaitUntilAsync(async () => (last = await command()).Succeeded, TimeSpan.FromSeconds(20), $"{what} (last: {last?.StandardOutput}{last?.StandardError})");
    }

    private static string LogPath => Path.Combine(SupervisorLab.Root, Gateway, "border.log");

    private static string ConfigPath => Path.Combine(SupervisorLab.Root, Gateway, "border.json");

    /// <summary>What border wrote to gw1's log since the baseline.</summary>
    private static string LogSince(Baseline before)
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(before.LogLength, SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record Baseline(int Pid, long LogLength, byte[] Config, DateTimeOffset At);
}
