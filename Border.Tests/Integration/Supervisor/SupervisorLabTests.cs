using System.Text.Json;
using Border.Tests.Integration.Faults;

namespace Border.Tests.Integration.Supervisor;

/// <summary>The done-when points against the real lab: core's routing table and upstream's BGP table are the judges.</summary>
/// <remarks>The tests share one lab and run in order; each leaves it with both gateways healthy and announcing.</remarks>
public sealed class SupervisorLabTests(SupervisorLab lab, ITestOutputHelper output) : IClassFixture<SupervisorLab>
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);
    private static readonly HashSet<string> Both = ["gw1", "gw2"];
    private static readonly HashSet<string> Gw2Only = ["gw2"];

    [Fact]
    public async Task BothHealthy_CoreHasBothGatewaysForEveryAttraction_C6ReachesTheIpv4ServerByName_C4ThroughTheClat()
    {
        await RequireLabAsync();

        foreach (var prefix in new[] { "0.0.0.0/0", "::/0", SupervisorLab.Nat64Prefix, SupervisorLab.AnycastIpv4, SupervisorLab.AnycastIpv6 })
        {
            Assert.True(Both.SetEquals(await lab.CorePathsAsync(prefix)), $"core lacks a gateway's path for {prefix}");
        }

        Assert.True(await lab.UpstreamHasAsync("192.0.2.0/30", "203.0.113.2"), "upstream lacks gw1's pool");
        Assert.True(await lab.UpstreamHasAsync("192.0.2.4/30", "203.0.113.6"), "upstream lacks gw2's pool");
        var ping = await lab.InNamespaceAsync("c6", "ping", "-c", "2", "-W", "2", "2001:db8:d78:564::203.0.113.10");
        Assert.True(ping.Succeeded, $"c6 could not reach 203.0.113.10 through NAT64: {ping.StandardOutput}{ping.StandardError}");

        Assert.Equal(["2001:db8:d78:564::cb00:710a"], await lab.C6ResolveAaaaAsync());
        var byName = await lab.InNamespaceAsync("c6", "ping", "-6", "-n", "-c", "2", "-W", "2", SupervisorLab.ServerName);
        Assert.True(byName.Succeeded, $"c6 could not ping {SupervisorLab.ServerName} through DNS64 + NAT64: {byName.StandardOutput}{byName.StandardError}");
        Assert.Contains("from 2001:db8:d78:564::cb00:710a:", byName.StandardOutput, StringComparison.Ordinal);
        AssertSeenFromAPool(await lab.InNamespaceAsync("c6", "ncat", "-6", "--recv-only", "--wait", "3", SupervisorLab.ServerName, "80"), "c6 over TCP by name");

        var clat = await lab.InNamespaceAsync("c4", "ping", "-c", "2", "-W", "2", SupervisorLab.ServerIpv4);
        Assert.True(clat.Succeeded, $"c4 could not reach {SupervisorLab.ServerIpv4} through the CLAT and NAT64: {clat.StandardOutput}{clat.StandardError}");
        AssertSeenFromAPool(await lab.InNamespaceAsync("c4", "ncat", "--recv-only", "--wait", "3", SupervisorLab.ServerIpv4, "80"), "c4 over TCP through the CLAT");

        var status = await lab.BorderCliAsync("gw1", "status");
        Assert.True(status.Succeeded, status.StandardError);
        Assert.Contains("nat64    nftables + tayga  up", status.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("dns64    unbound           up", status.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnboundStopped_Gw1_WithdrawsItsAnycastAtCore_C6KeepsGettingAnswers_ReannouncesWhenBack()
    {
        await RequireLabAsync();

        var stopped = lab.UnboundPid("gw1") ?? throw new InvalidOperationException("gw1 runs no unbound");
        await lab.InNamespaceAsync("gw1", "kill", "-TERM", stopped.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var withdrawn = await SupervisorLab.WaitUntilAsync(AnycastAtCoreIsAsync(Gw2Only), TimeSpan.FromSeconds(10), "core to lose gw1's anycast /32 and /128");
        output.WriteLine($"unbound stopped -> gw1's anycast gone from core's table: {withdrawn.TotalMilliseconds:0} ms");

        await AssertC6AnsweredByGw2Async();
        var back = await SupervisorLab.WaitUntilAsync(AnycastAtCoreIsAsync(Both), Converge, "gw1's anycast back at core after unbound's restart and rise");
        output.WriteLine($"gw1's anycast back at core after {back.TotalSeconds:0.0} s");
        Assert.NotEqual(stopped, lab.UnboundPid("gw1"));
    }

    [Fact]
    public async Task UnboundHung_Gw1_WithdrawsItsAnycastAfterTheFallCount_C6KeepsGettingAnswers_BackAfterSigcont()
    {
        await RequireLabAsync();

        var hung = (lab.UnboundPid("gw1") ?? throw new InvalidOperationException("gw1 runs no unbound")).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await lab.InNamespaceAsync("gw1", "kill", "-STOP", hung);
        try
        {
            var withdrawn = await SupervisorLab.WaitUntilAsync(AnycastAtCoreIsAsync(Gw2Only), TimeSpan.FromSeconds(15), "core to lose gw1's anycast while its unbound hangs");
            output.WriteLine($"unbound stopped with SIGSTOP -> gw1's anycast gone from core's table after {withdrawn.TotalSeconds:0.0} s (the probe's fall count)");
            await AssertC6AnsweredByGw2Async();
        }
        finally
        {
            await lab.InNamespaceAsync("gw1", "kill", "-CONT", hung);
        }

        var back = await SupervisorLab.WaitUntilAsync(AnycastAtCoreIsAsync(Both), Converge, "gw1's anycast back at core after SIGCONT and rise");
        output.WriteLine($"gw1's anycast back at core {back.TotalSeconds:0.0} s after SIGCONT");
    }

    [Fact]
    public async Task TaygaKilled_Gw1_WithdrawsOnlyItsNat64PrefixAtCore_AndReannouncesAfterRise()
    {
        await RequireLabAsync();

        await lab.InNamespaceAsync("gw1", "kill", "-9", (lab.TaygaPid("gw1") ?? throw new InvalidOperationException("gw1 runs no tayga")).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var withdrawn = await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Gw2Only), TimeSpan.FromSeconds(10), "core to lose gw1's /96");
        output.WriteLine($"tayga killed -> gw1's /96 gone from core's table: {withdrawn.TotalMilliseconds:0} ms");

        Assert.Equal(Both, await lab.CorePathsAsync("0.0.0.0/0"));
        Assert.Equal(Both, await lab.CorePathsAsync("::/0"));
        var ping = await lab.InNamespaceAsync("c6", "ping", "-c", "1", "-W", "2", "2001:db8:d78:564::203.0.113.10");
        Assert.True(ping.Succeeded, "c6 lost the IPv4 server although gw2 still translates");
        var back = await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Both), Converge, "gw1's /96 back at core after tayga's restart and rise");
        output.WriteLine($"gw1's /96 back at core after {back.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task DrainNat64_Gw1_WithdrawsThePrefixButNotTheSharedPool_SurvivesARestart_UndrainBringsItBack()
    {
        await RequireLabAsync();

        var drain = await lab.BorderCliAsync("gw1", "drain", "--service", "nat64", "--reason", "lab test");
        Assert.True(drain.Succeeded, drain.StandardError);
        try
        {
            await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Gw2Only), Converge, "core to lose gw1's /96 after the drain");
            Assert.True(await lab.UpstreamHasAsync("192.0.2.0/30", "203.0.113.2"), "the pool nat44 still serves was withdrawn");

            await using var monitor = await CoreRouteMonitor.StartAsync(lab);
            await lab.LabBorderAsync("stop", "gw1");
            await SupervisorLab.WaitUntilAsync(async () => !(await lab.CorePathsAsync("0.0.0.0/0")).Contains("gw1"), Converge, "a clean stop to withdraw gw1's default");
            await lab.LabBorderAsync("start", "gw1");
            await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync("0.0.0.0/0")).SetEquals(Both), Converge, "restarted gw1 to announce its default after rise");

            // A /96 wrongly announced by the restarted border would reach core only after its checks rose and FRR
            // passed it on: watch core and border's status that long, not only the moment the defaults came back.
            var window = await CoreReachWindow.ReadAsync("gw1");
            var polls = await window.HoldsThroughoutAsync(async () =>
            {
                Assert.Equal(Gw2Only, await lab.CorePathsAsync(SupervisorLab.Nat64Prefix));
                await AssertNat64DrainedInStatusAsync("lab test");
            });
            var seen = await monitor.StopAsync();
            output.WriteLine($"watched core and gw1's status for {window} after the defaults came back ({polls} polls); core's route changes since the stop:\n{string.Join('\n', seen)}");
            Assert.Empty(monitor.Additions(SupervisorLab.Nat64Prefix, "gw1"));
        }
        finally
        {
            // Undrained whatever the test saw, so the tests after this one find gw1 announcing.
            var undrain = await lab.BorderCliAsync("gw1", "undrain", "--service", "nat64");
            Assert.True(undrain.Succeeded, undrain.StandardError);
        }

        await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Both), Converge, "gw1's /96 back after undrain");
    }

    [Fact]
    public async Task UplinkShut_Gw1_WithdrawsItsInternalAttractions_RestoredBringsThemBack()
    {
        await RequireLabAsync();

        await lab.UpstreamConfigureAsync("neighbor 203.0.113.2 shutdown");
        try
        {
            await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync("0.0.0.0/0")).SetEquals(Gw2Only), Converge, "core to lose gw1's default with its uplink down");
            await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Gw2Only), Converge, "core to lose gw1's /96 with its uplink down");
        }
        finally
        {
            await lab.UpstreamConfigureAsync("no neighbor 203.0.113.2 shutdown");
        }

        await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync("0.0.0.0/0")).SetEquals(Both), Converge, "gw1's default back with its uplink");
        await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Both), Converge, "gw1's /96 back with its uplink");
    }

    [Fact]
    public async Task KillNine_BorderOnGw1_CoreAndUpstreamLoseGw1sAttractions_RestartReannouncesWithoutDuplicates()
    {
        await RequireLabAsync();

        await lab.InNamespaceAsync("gw1", "kill", "-9", lab.BorderPid("gw1").ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var defaults = await SupervisorLab.WaitUntilAsync(
                async () => (await lab.CorePathsAsync("0.0.0.0/0")).SetEquals(Gw2Only) && (await lab.CorePathsAsync("::/0")).SetEquals(Gw2Only) && !await lab.UpstreamHasAsync("192.0.2.0/30", "203.0.113.2"),
                TimeSpan.FromSeconds(3),
                "core to lose gw1's defaults and upstream gw1's pool after kill -9");
            output.WriteLine($"kill -9 border -> gw1's defaults gone at core and its pool at upstream: {defaults.TotalMilliseconds:0} ms");
            var prefix = await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Gw2Only), Converge, "core to lose gw1's /96 after kill -9");
            output.WriteLine($"kill -9 border -> gw1's /96 gone at core: {(defaults + prefix).TotalMilliseconds:0} ms");
        }
        finally
        {
            // Started again whatever the timing showed, so the tests after this one find gw1 running.
            await lab.LabBorderAsync("start", "gw1");
        }

        await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Both) && (await lab.CorePathsAsync("0.0.0.0/0")).SetEquals(Both), Converge, "restarted gw1 to announce again");
        var paths = await lab.InNamespaceAsync("upstream", "vtysh", "--vty_socket", System.IO.Path.Combine(SupervisorLab.Root, "upstream", "frr"), "-c", "show bgp ipv4 unicast 192.0.2.0/30");
        Assert.Contains("Paths: (1 available", paths.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flapping_TaygaKilledEverySecondFor30s_CoreSeesABoundedNumberOfChanges()
    {
        await RequireLabAsync();

        var changes = 0;
        var announced = true;
        var kills = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var nextKill = TimeSpan.Zero;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (clock.Elapsed >= nextKill)
            {
                nextKill += TimeSpan.FromSeconds(1);
                if (lab.TaygaPid("gw1") is { } pid)
                {
                    await lab.InNamespaceAsync("gw1", "kill", "-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    kills++;
                }
            }

            var now = (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).Contains("gw1");
            changes += now == announced ? 0 : 1;
            announced = now;
            await Task.Delay(TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        }

        output.WriteLine($"{kills} tayga kills in 30 s -> {changes} changes of gw1's /96 at core");
        Assert.True(kills >= 5, $"only {kills} kills: the fault did not flap");
        Assert.InRange(changes, 1, 4);
        await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Both), TimeSpan.FromSeconds(90), "gw1's /96 back once the flapping stopped");
    }

    private static void AssertSeenFromAPool(Border.Routing.Processes.CommandResult result, string what)
    {
        var seen = result.StandardOutput.Split('\n').FirstOrDefault(line => line.StartsWith("NCAT_REMOTE_ADDR=", StringComparison.Ordinal))?["NCAT_REMOTE_ADDR=".Length..];
        Assert.True(seen is not null, $"{what}: the server did not answer: {result.StandardOutput}{result.StandardError}");
        Assert.True(
            System.Net.IPNetwork.Parse("192.0.2.0/30").Contains(System.Net.IPAddress.Parse(seen)) || System.Net.IPNetwork.Parse("192.0.2.4/30").Contains(System.Net.IPAddress.Parse(seen)),
            $"{what}: the server saw {seen}, not a gateway's pool address");
    }

    /// <summary>gw1's status shows nat64's drain with its reason, and the /96 withdrawn for it at its speaker.</summary>
    private async Task AssertNat64DrainedInStatusAsync(string reason)
    {
        var status = await lab.BorderCliAsync("gw1", "status", "--json");
        Assert.True(status.Succeeded, status.StandardError);
        using var document = JsonDocument.Parse(status.StandardOutput);
        var nat64 = document.RootElement.GetProperty("services").EnumerateArray().Single(service => service.GetProperty("name").GetString() == "nat64");
        Assert.True(nat64.TryGetProperty("drain", out var drain) && drain.ValueKind == JsonValueKind.Object, $"gw1's status shows no drain of nat64: {nat64}");
        Assert.Equal(reason, drain.GetProperty("reason").GetString());
        var prefix = document.RootElement.GetProperty("attractions").EnumerateArray().Single(attraction => attraction.GetProperty("prefix").GetString() == SupervisorLab.Nat64Prefix);
        Assert.False(prefix.GetProperty("announce").GetBoolean(), $"gw1 wants its /96 announced while nat64 is drained: {prefix}");
        Assert.StartsWith("drained: nat64 drained by ", prefix.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.EndsWith($"({reason})", prefix.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(prefix.GetProperty("speakers").GetProperty("frr-ospf").GetBoolean(), $"gw1's FRR holds its /96 while nat64 is drained: {prefix}");
    }

    private Func<Task<bool>> AnycastAtCoreIsAsync(HashSet<string> gateways) =>
        async () => (await lab.CorePathsAsync(SupervisorLab.AnycastIpv4)).SetEquals(gateways) && (await lab.CorePathsAsync(SupervisorLab.AnycastIpv6)).SetEquals(gateways);

    /// <summary>c6's resolver answers every query with the synthesized AAAA, and some of them ran while core routed the
    /// anycast addresses to gw2 alone, before and after the query, so gw2 answered those.</summary>
    private async Task AssertC6AnsweredByGw2Async()
    {
        var byGw2 = 0;
        for (var query = 0; query < 10 && byGw2 < 3; query++)
        {
            var before = await AnycastAtCoreIsAsync(Gw2Only)();
            Assert.Equal(["2001:db8:d78:564::cb00:710a"], await lab.C6ResolveAaaaAsync());
            byGw2 += before && await AnycastAtCoreIsAsync(Gw2Only)() ? 1 : 0;
        }

        output.WriteLine($"{byGw2} queries answered while core routed the anycast addresses to gw2 alone");
        Assert.True(byGw2 > 0, "no query ran while core routed the anycast addresses to gw2 alone: nothing shows gw2 answering");
    }

    private Task RequireLabAsync() => lab.RequireBothAnnouncingAsync();
}
