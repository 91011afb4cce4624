using System.Net;
using Border.Nat.Unbound;
using Border.Routing.Health;
using Border.Routing.Processes;

namespace Border.Tests.Integration.Nat;

public sealed class Nat64Dns64IntegrationTests
{
    private const int EchoPort = 8080;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Engines_Ipv6OnlyClient_ResolvesSynthesizedAaaaAndReachesIpv4ServerFromPool()
    {
        Requires.RootAndNetworkNamespaces();
        Dns64Lab.RequireTools();
        await using var lab = await NatLab.CreateAsync();
        await Dns64Lab.StartZoneServerAsync(lab);
        await Dns64Lab.StartResolverAsync(lab);
        lab.StartAddressEchoServer(EchoPort);
        var ct = TestContext.Current.CancellationToken;
        await using var tayga = Dns64Lab.TaygaEngine(lab);
        var unbound = Dns64Lab.ResolverEngine(lab, Dns64Lab.Resolver);

        await lab.NftablesEngine().ApplyAsync(ct);
        await tayga.ApplyAsync(ct);
        await unbound.ApplyAsync(ct);

        Assert.True(await Waiting.UntilAsync(async () => (await tayga.Probes[0].ProbeAsync(ct)).Healthy, Settle), tayga.Probes[0].Last?.Reason);
        var dataPlane = await tayga.Probes[1].ProbeAsync(ct);
        Assert.True(dataPlane.Healthy, dataPlane.Reason);
        Assert.Equal($"{NatLab.ServerV4} answered through {NatLab.ServerViaNat64}", dataPlane.Reason);
        foreach (var probe in unbound.Probes)
        {
            Assert.True(await Waiting.UntilAsync(async () => (await probe.ProbeAsync(ct)).Healthy, Settle), $"{probe.Name}: {probe.Last?.Reason}");
            var result = probe.Last!;
            Assert.StartsWith($"{probe.Name["dns64-query ".Length..]} synthesized {NatLab.ServerViaNat64}", result.Reason, StringComparison.Ordinal);
        }

        var dig = await lab.Client6.RunCheckedAsync("dig", "+short", "+time=2", "+tries=1", $"@{NatLab.AnycastV6}", "AAAA", Dns64Lab.Ipv4OnlyName);
        Assert.Equal(IPAddress.Parse(NatLab.ServerViaNat64), IPAddress.Parse(dig.StandardOutput.Trim()));

        var ping = await lab.Client6.RunAsync("ping", "-6", "-c", "1", "-W", "2", NatLab.ServerViaNat64);
        Assert.True(ping.Succeeded, ping.StandardOutput + ping.StandardError);

        var seen = await NatLab.SeenSourceAsync(lab.Client6, NatLab.ServerViaNat64, EchoPort);
        Assert.NotNull(seen);
        Assert.True(IPNetwork.Parse(NatLab.Pool4).Contains(IPAddress.Parse(seen)), $"server saw {seen}");
        Assert.True((await unbound.ReadBackAsync(ct)).Healthy);
    }

    [Fact]
    public async Task Tayga_Killed_ExitAndTunDownReportedWithinOneSecondAndRestarted()
    {
        Requires.RootAndNetworkNamespaces();
        Dns64Lab.RequireTools();
        await using var lab = await NatLab.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        // The kernel batches operstate changes (linkwatch, up to a second): a restart faster than that can hide the
        // carrier loss, so this test gives Tayga a second and a half before it comes back.
        await using var tayga = Dns64Lab.TaygaEngine(lab, TimeSpan.FromSeconds(1.5));
        await tayga.ApplyAsync(ct);
        Assert.True(await Waiting.UntilAsync(() => Task.FromResult(tayga.ProcessId is not null), Settle), "tayga did not start");
        var first = tayga.ProcessId!.Value;
        var before = new List<CheckResult>();
        Assert.NotNull(await Waiting.EventAsync(tayga.Events, result => result.Healthy && result.Reason.Contains($"pid {first}", StringComparison.Ordinal), Settle, before));

        var killedAt = System.Diagnostics.Stopwatch.StartNew();
        await NetworkNamespace.Runner.RunCheckedAsync("kill", ["-KILL", first.ToString(System.Globalization.CultureInfo.InvariantCulture)], Settle);
        var seen = new List<CheckResult>();
        var exit = await Waiting.EventAsync(tayga.Events, result => result.Check == "tayga-process" && !result.Healthy, TimeSpan.FromSeconds(1), seen);

        Assert.NotNull(exit);
        Assert.True(killedAt.Elapsed < TimeSpan.FromSeconds(1), $"exit reported after {killedAt.ElapsedMilliseconds} ms");
        Assert.Equal("tayga exited (code 137, signal 9)", exit.Reason);
        var back = await Waiting.EventAsync(tayga.Events, result => result.Check == "tayga-process" && result.Healthy, Settle, seen);
        Assert.NotNull(back);

        // The tun loses its carrier while no Tayga holds it: the kernel's notification is reported too, in its own
        // time (it may come after the restart).
        static bool TunDown(CheckResult result) => result.Check == "tun nat64" && result.Reason == "tun nat64 down (operstate DOWN)";
        if (!seen.Any(TunDown))
        {
            await Waiting.EventAsync(tayga.Events, TunDown, Settle, seen);
        }

        Assert.True(seen.Any(TunDown), string.Join("; ", before.Concat(seen).Select(result => $"{result.At:HH:mm:ss.fff} {result.Check}: {result.Reason}")));
        Assert.NotEqual(first, tayga.ProcessId);
        Assert.True(await Waiting.UntilAsync(async () => (await tayga.Probes[0].ProbeAsync(ct)).Healthy, Settle), tayga.Probes[0].Last?.Reason);
    }

    [Fact]
    public async Task Unbound_Stopped_Dns64ProbeFailsWithClearReason()
    {
        Requires.RootAndNetworkNamespaces();
        Dns64Lab.RequireTools();
        await using var lab = await NatLab.CreateAsync();
        await Dns64Lab.StartZoneServerAsync(lab);
        await Dns64Lab.StartResolverAsync(lab);
        var ct = TestContext.Current.CancellationToken;
        var unbound = Dns64Lab.ResolverEngine(lab, Dns64Lab.Resolver);
        await unbound.ApplyAsync(ct);
        Assert.True(await Waiting.UntilAsync(async () => (await unbound.Probes[0].ProbeAsync(ct)).Healthy, Settle), unbound.Probes[0].Last?.Reason);

        await Dns64Lab.KillResolverAsync(lab);
        var result = await unbound.Probes[0].ProbeAsync(ct);

        Assert.False(result.Healthy);
        Assert.Equal($"nothing listens on {NatLab.AnycastV4} port 53 (connection refused): is unbound running?", result.Reason);
        Assert.False((await unbound.ReadBackAsync(ct)).Healthy);
    }

    [Fact]
    public async Task Unbound_InvalidSnippet_CheckFailsOldSnippetKeptAndAnycastRemovedOnDisable()
    {
        Requires.RootAndNetworkNamespaces();
        Dns64Lab.RequireTools();
        await using var lab = await NatLab.CreateAsync();
        await Dns64Lab.StartResolverAsync(lab);
        var ct = TestContext.Current.CancellationToken;
        var good = Dns64Lab.ResolverEngine(lab, Dns64Lab.Resolver);
        await good.ApplyAsync(ct);
        await good.ApplyAsync(ct);
        var snippetPath = Dns64Lab.ResolverEngine(lab).SnippetPath;
        var applied = await File.ReadAllTextAsync(snippetPath, ct);
        var addresses = await lab.Gateway.RunCheckedAsync("ip", "-brief", "address", "show", "dev", "border-dns");
        Assert.Contains($"{NatLab.AnycastV4}/32", addresses.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"{NatLab.AnycastV6}/128", addresses.StandardOutput, StringComparison.Ordinal);

        var typo = new UnboundZone("bad..example.", UnboundZoneKind.Forward, [IPAddress.Parse(NatLab.ServerV4)]);
        var bad = Dns64Lab.ResolverEngine(lab, Dns64Lab.Resolver with { Zones = [typo] });
        var failure = await Assert.ThrowsAsync<CommandFailedException>(() => bad.ApplyAsync(ct));

        Assert.StartsWith("/usr/sbin/unbound-checkconf", failure.Message, StringComparison.Ordinal);
        Assert.Contains("cannot parse forward zone name bad..example.", failure.Message, StringComparison.Ordinal);
        Assert.Equal(applied, await File.ReadAllTextAsync(snippetPath, ct));
        Assert.True((await good.ReadBackAsync(ct)).Healthy);

        await good.DisableAsync(ct);

        Assert.False(File.Exists(snippetPath));
        var link = await lab.Gateway.RunAsync("ip", "link", "show", "dev", "border-dns");
        Assert.False(link.Succeeded, "the anycast interface is still there");
    }
}
