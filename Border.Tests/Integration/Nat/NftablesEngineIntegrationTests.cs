namespace Border.Tests.Integration.Nat;

public sealed class NftablesEngineIntegrationTests
{
    private const int EchoPort = 8080;
    private const string ForeignTable = "table ip foreign {\n\tchain keep {\n\t\ttype filter hook input priority filter; policy accept;\n\t\tcounter packets 0 bytes 0\n\t}\n}\n";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Apply_InsideHosts_ReachInternetFromPoolAndUnsolicitedIsDropped()
    {
        Requires.RootAndNetworkNamespaces();
        RequireTools();
        await using var lab = await NatLab.CreateAsync();
        using var engine = lab.NftablesEngine();
        lab.StartAddressEchoServer(EchoPort);
        await WaitForListenerAsync(lab.Internet);

        await engine.ApplyAsync(TestContext.Current.CancellationToken);

        var seenV4 = await NatLab.SeenSourceAsync(lab.InsideHost, NatLab.ServerV4, EchoPort);
        var seenV6 = await NatLab.SeenSourceAsync(lab.InsideHost, NatLab.ServerV6, EchoPort);
        Assert.NotNull(seenV4);
        Assert.True(System.Net.IPNetwork.Parse(NatLab.Pool4).Contains(System.Net.IPAddress.Parse(seenV4)), $"server saw {seenV4}");
        Assert.NotNull(seenV6);
        Assert.True(System.Net.IPNetwork.Parse(NatLab.Pool6).Contains(System.Net.IPAddress.Parse(seenV6)), $"server saw {seenV6}");

        lab.InsideHost.Start("ncat", "--listen", "--keep-open", "9090", "--exec", "/usr/bin/env");
        await WaitForListenerAsync(lab.InsideHost);
        var unsolicited = await lab.Internet.RunAsync("ncat", "--recv-only", "--wait", "1", NatLab.InsideHostV4, "9090");
        Assert.False(unsolicited.Succeeded, "an unsolicited connection from the Internet side reached the inside host");
        var fromInside = await lab.InsideHost.RunAsync("ncat", "--recv-only", "--wait", "1", NatLab.InsideHostV4, "9090");
        Assert.True(fromInside.Succeeded, "the inside host's own listener does not answer, so the drop proves nothing: " + fromInside.StandardError);
    }

    [Fact]
    public async Task Apply_Twice_SecondIsNoOpAndForeignTableSurvivesEveryApply()
    {
        Requires.RootAndNetworkNamespaces();
        RequireTools();
        await using var lab = await NatLab.CreateAsync();
        await lab.Gateway.RunCheckedAsync("nft", "add", "table", "ip", "foreign");
        await lab.Gateway.RunCheckedAsync("nft", "add", "chain", "ip", "foreign", "keep", "{ type filter hook input priority 0; policy accept; }");
        await lab.Gateway.RunCheckedAsync("nft", "add", "rule", "ip", "foreign", "keep", "counter");
        using var engine = lab.NftablesEngine();
        var ct = TestContext.Current.CancellationToken;

        await engine.ApplyAsync(ct);
        var handleAfterFirst = await TableHandleAsync(lab);
        await engine.ApplyAsync(ct);
        var handleAfterSecond = await TableHandleAsync(lab);

        // The table keeps its kernel handle only when the second apply did not replace it.
        Assert.Equal(handleAfterFirst, handleAfterSecond);
        Assert.True((await engine.ReadBackAsync(ct)).Healthy);
        Assert.Equal(ForeignTable, await ListForeignAsync(lab));

        await lab.Gateway.RunCheckedAsync("nft", "delete", "table", "inet", "border");
        await engine.Probes[0].ProbeAsync(ct);
        Assert.Equal(ForeignTable, await ListForeignAsync(lab));
    }

    [Fact]
    public async Task TableDeleted_EventWithinOneSecondAndHealedWithoutProbe()
    {
        await using var applied = await AppliedTable.CreateAsync();
        var (lab, engine, ct) = (applied.Lab, applied.Engine, TestContext.Current.CancellationToken);
        await WaitUntilWatchingAsync(lab);

        var deletedAt = System.Diagnostics.Stopwatch.StartNew();
        await lab.Gateway.RunCheckedAsync("nft", "delete", "table", "inet", "border");
        var deleted = await Waiting.EventAsync(engine.Events, result => !result.Healthy, TimeSpan.FromSeconds(1));

        Assert.Equal("table inet border missing", deleted?.Reason);
        Assert.True(deletedAt.Elapsed < TimeSpan.FromSeconds(1), $"deletion reported after {deletedAt.ElapsedMilliseconds} ms");
        Assert.True(await Waiting.UntilAsync(async () => (await engine.ReadBackAsync(ct)).Healthy, Settle), "the table was not healed");
    }

    [Fact]
    public async Task Probe_TableEdited_ReportsWhatDifferedAndHeals()
    {
        await using var applied = await AppliedTable.CreateAsync();
        var (lab, engine, ct) = (applied.Lab, applied.Engine, TestContext.Current.CancellationToken);
        Assert.True((await engine.Probes[0].ProbeAsync(ct)).Healthy);

        await lab.Gateway.RunCheckedAsync("nft", "add", "rule", "inet", "border", "forward", "ip", "saddr", "203.0.113.0/24", "accept");
        var edited = await engine.Probes[0].ProbeAsync(ct);

        Assert.False(edited.Healthy);
        Assert.Equal("table inet border differs: unexpected 'ip saddr 203.0.113.0/24 accept'; re-applied", edited.Reason);
        Assert.Same(edited, engine.Probes[0].Last);
        Assert.Equal("table inet border differs: unexpected 'ip saddr 203.0.113.0/24 accept'", (await Waiting.EventAsync(engine.Events, result => !result.Healthy, Settle))?.Reason);
        Assert.True((await engine.Probes[0].ProbeAsync(ct)).Healthy, "the edit was not healed");
    }

    /// <summary>The engine's <c>nft monitor</c> starts asynchronously: wait until it runs in the gateway's namespace.</summary>
    private static async Task WaitUntilWatchingAsync(NatLab lab) =>
        Assert.True(
            await Waiting.UntilAsync(
                async () => (await NetworkNamespace.Runner.RunAsync("ip", ["netns", "pids", lab.Gateway.Name], Settle)).StandardOutput
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Any(pid => File.Exists($"/proc/{pid.Trim()}/cmdline") && File.ReadAllText($"/proc/{pid.Trim()}/cmdline").Contains("monitor\0tables", StringComparison.Ordinal)),
                Settle),
            "nft monitor did not start");

    private static void RequireTools()
    {
        Requires.Tool("/usr/sbin/nft", "nftables");
        Requires.Tool("/usr/bin/ncat", "ncat");
    }

    private static async Task<string> ListForeignAsync(NatLab lab) =>
        (await lab.Gateway.RunCheckedAsync("nft", "list", "table", "ip", "foreign")).StandardOutput;

    private static async Task<string> TableHandleAsync(NatLab lab)
    {
        var listing = await lab.Gateway.RunCheckedAsync("nft", "-a", "list", "table", "inet", "border");
        return listing.StandardOutput.Split('\n')[0];
    }

    private static async Task WaitForListenerAsync(NetworkNamespace space) =>
        Assert.True(
            await Waiting.UntilAsync(async () => (await space.RunAsync("ss", "-Hltn")).StandardOutput.Contains(':', StringComparison.Ordinal), Settle),
            $"no TCP listener came up in {space.Name}");

    /// <summary>A lab whose gateway has border's table applied; disposing stops the engine and deletes the lab.</summary>
    private sealed class AppliedTable(NatLab lab, Border.Nat.Nftables.NftablesEngine engine) : IAsyncDisposable
    {
        public NatLab Lab => lab;

        public Border.Nat.Nftables.NftablesEngine Engine => engine;

        public static async Task<AppliedTable> CreateAsync()
        {
            Requires.RootAndNetworkNamespaces();
            RequireTools();
            var lab = await NatLab.CreateAsync();
            var engine = lab.NftablesEngine();
            var applied = new AppliedTable(lab, engine);
            try
            {
                await engine.ApplyAsync(TestContext.Current.CancellationToken);
            }
            catch
            {
                await applied.DisposeAsync();
                throw;
            }

            return applied;
        }

        public async ValueTask DisposeAsync()
        {
            engine.Dispose();
            await lab.DisposeAsync();
        }
    }
}
