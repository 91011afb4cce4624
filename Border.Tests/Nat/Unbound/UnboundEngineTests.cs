using System.Net;
using Border.Nat.Anycast;
using Border.Nat.Dns;
using Border.Nat.Unbound;
using Border.Routing.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Nat.Unbound;

public sealed class UnboundEngineTests : IDisposable
{
    private static readonly UnboundOptions Options = new()
    {
        ListenAddresses = [IPAddress.Parse("198.51.100.53"), IPAddress.Parse("2001:db8:d78:500::1:0")],
        Dns64Prefix = IPNetwork.Parse("2001:db8:d78:564::/96"),
        AllowedClients = [IPNetwork.Parse("198.51.100.0/25"), IPNetwork.Parse("2001:db8:d78:500::/56")],
    };

    private readonly string directory = Directory.CreateTempSubdirectory("border-unbound-").FullName;
    private readonly FakeAnycastLinks links = new();
    private readonly ImpossibleCalls impossible = new();

    [Fact]
    public async Task Apply_FirstTime_AddsAnycastChecksAndRestartsToOpenTheInterfaces()
    {
        var control = new FakeUnboundControl(impossible);

        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["checkconf", "stop", "status", "start /usr/bin/systemctl start unbound", "status"], control.Calls);
        Assert.Equal(["add link border-dns", "add 198.51.100.53/32", "add 2001:db8:d78:500::1:0/128"], links.Changes);
        Assert.Empty(links.Routes);
        Assert.Equal(UnboundSnippetRenderer.Render(Options), await File.ReadAllTextAsync(SnippetPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Apply_SnippetUnchanged_NoCheckNoReloadNoAddressChange()
    {
        await WriteSnippetAsync(UnboundSnippetRenderer.Render(Options));
        var control = new FakeUnboundControl(impossible);
        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);
        links.Changes.Clear();
        control.ForgetCalls();

        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Empty(control.Calls);
        Assert.Empty(links.Changes);
    }

    [Fact]
    public async Task Apply_SameInterfacesOtherSettings_ReloadsKeepingTheCache()
    {
        await WriteSnippetAsync(UnboundSnippetRenderer.Render(Options with { SynthesizeAll = true }));
        var control = new FakeUnboundControl(impossible);

        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["checkconf", "reload_keep_cache", "status"], control.Calls);
    }

    [Fact]
    public async Task Apply_KeepCacheRefused_FallsBackToFullReload()
    {
        await WriteSnippetAsync(UnboundSnippetRenderer.Render(Options with { SynthesizeAll = true }));
        var control = new FakeUnboundControl(impossible) { RefuseKeepCache = true };

        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["checkconf", "reload_keep_cache", "reload", "status"], control.Calls);
    }

    [Fact]
    public async Task Apply_UnboundStopped_FailsWithUnboundControlsAnswer()
    {
        await WriteSnippetAsync(UnboundSnippetRenderer.Render(Options with { SynthesizeAll = true }));
        var control = new FakeUnboundControl(impossible) { ServiceRunning = false };

        var failure = await Assert.ThrowsAsync<CommandFailedException>(() => Engine(control).ApplyAsync(TestContext.Current.CancellationToken));

        Assert.Equal("unbound-control reload exited with code 1: error: connect: Connection refused for 127.0.0.1 port 8953", failure.Message);
        Assert.Equal(["checkconf", "reload_keep_cache", "reload"], control.Calls);
    }

    [Fact]
    public async Task Apply_CheckFails_OldSnippetBackNoReloadAndCheckersWordsInTheError()
    {
        var old = UnboundSnippetRenderer.Render(Options with { SynthesizeAll = true });
        await WriteSnippetAsync(old);
        var control = new FakeUnboundControl(impossible) { CheckFailure = "unbound-checkconf exited with code 1: cannot parse forward zone name bad..example." };

        var failure = await Assert.ThrowsAsync<CommandFailedException>(() => Engine(control).ApplyAsync(TestContext.Current.CancellationToken));

        Assert.Contains("cannot parse forward zone name", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["checkconf"], control.Calls);
        Assert.Equal(old, await File.ReadAllTextAsync(SnippetPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Apply_CheckFailsOnFirstSnippet_NoSnippetLeft()
    {
        var control = new FakeUnboundControl(impossible) { CheckFailure = "unbound-checkconf exited with code 1: syntax error" };

        await Assert.ThrowsAsync<CommandFailedException>(() => Engine(control).ApplyAsync(TestContext.Current.CancellationToken));

        Assert.False(File.Exists(SnippetPath));
    }

    [Fact]
    public async Task Apply_StrayAddressOnOurInterface_Removed()
    {
        links.Links["border-dns"] = [IPNetwork.Parse("198.51.100.54/32"), IPNetwork.Parse("198.51.100.53/32")];

        await Engine(new FakeUnboundControl(impossible)).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["add 2001:db8:d78:500::1:0/128", "delete 198.51.100.54/32"], links.Changes);
    }

    [Fact]
    public async Task Disable_Applied_RemovesSnippetReloadsAndDeletesAnycastInterface()
    {
        var control = new FakeUnboundControl(impossible);
        var engine = Engine(control);
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        control.ForgetCalls();

        await engine.DisableAsync(TestContext.Current.CancellationToken);

        Assert.False(File.Exists(SnippetPath));
        Assert.Equal(["reload_keep_cache", "status"], control.Calls);
        Assert.Empty(links.Links);
    }

    [Fact]
    public async Task ReadBack_AnycastAddressRemovedBySomeone_SaysWhichIsMissing()
    {
        var engine = Engine(new FakeUnboundControl(impossible));
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        links.Links["border-dns"].Remove(IPNetwork.Parse("2001:db8:d78:500::1:0/128"));

        var result = await engine.ReadBackAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("anycast 2001:db8:d78:500::1:0 missing", result.Reason);
    }

    [Fact]
    public async Task Apply_RunChild_WritesTheMainConfigChecksAndStartsUnboundAsItsChild()
    {
        var control = new FakeUnboundControl(impossible) { ServiceRunning = false };
        await using var engine = ChildEngine(control);

        await engine.ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["checkconf", "run"], control.Calls.Where(call => call != "status"));
        Assert.Equal("status", control.Calls[^1]);
        Assert.Equal(
            UnboundMainConfigRenderer.Render(MainConfigPath, SnippetPath, new UnboundChildOptions { ControlSocket = ControlSocket }),
            await File.ReadAllTextAsync(MainConfigPath, TestContext.Current.CancellationToken));
        Assert.Equal(1, engine.ProcessId);
    }

    [Fact]
    public async Task Apply_RunChildSnippetAndConfigUnchanged_ChecksAndStartsTheChildOfANewDaemon()
    {
        var control = new FakeUnboundControl(impossible) { ServiceRunning = false };
        await using (var first = ChildEngine(control))
        {
            await first.ApplyAsync(TestContext.Current.CancellationToken);
        }

        control.ForgetCalls();
        await using var second = ChildEngine(control);

        await second.ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["checkconf", "run"], control.Calls.Where(call => call != "status"));
        Assert.Equal("status", control.Calls[^1]);
    }

    [Fact]
    public async Task Apply_RunChildListenAddressesChanged_EndsTheChildForANewOneAtOnce()
    {
        var control = new FakeUnboundControl(impossible) { ServiceRunning = false };
        await using var engine = ChildEngine(control);
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        await WriteSnippetAsync(UnboundSnippetRenderer.Render(Options with { ListenAddresses = [IPAddress.Parse("198.51.100.54")] }));
        control.ForgetCalls();

        await engine.ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal("checkconf", control.Calls[0]);
        Assert.DoesNotContain("reload_keep_cache", control.Calls);
        Assert.True(control.Children[0].Exited.IsCompleted, "the old unbound still runs");
        Assert.True(await WaitForAsync(() => control.Children.Count == 2), "no new unbound started");
    }

    [Fact]
    public async Task ChildExits_RunChild_PublishesTheExitAtOnceAndStartsAnotherAfterTheDelay()
    {
        var control = new FakeUnboundControl(impossible) { ServiceRunning = false };
        await using var engine = ChildEngine(control);
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        var started = await engine.Events.ReadAsync(TestContext.Current.CancellationToken);

        control.Children[0].Exit(143);

        var exited = await engine.Events.ReadAsync(TestContext.Current.CancellationToken);
        var restarted = await engine.Events.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("unbound-process", true, "unbound running (pid 1)"), (started.Check, started.Healthy, started.Reason));
        Assert.Equal(("unbound-process", false, "unbound exited (code 143, signal 15)"), (exited.Check, exited.Healthy, exited.Reason));
        Assert.Equal(("unbound-process", true, "unbound running (pid 2)"), (restarted.Check, restarted.Healthy, restarted.Reason));
    }

    public void Dispose()
    {
        Directory.Delete(directory, recursive: true);
        impossible.AssertNone();
    }

    private string MainConfigPath => Path.Combine(directory, "unbound.conf");

    private string ControlSocket => Path.Combine(directory, "unbound.ctl");

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 200 && !condition(); attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), TestContext.Current.CancellationToken);
        }

        return condition();
    }

    private UnboundEngine ChildEngine(FakeUnboundControl control) =>
        new(
            Options,
            new UnboundEngineOptions
            {
                ConfigPath = MainConfigPath,
                SnippetPath = SnippetPath,
                Child = new UnboundChildOptions { ControlSocket = ControlSocket, Restart = new() { FirstDelay = TimeSpan.FromMilliseconds(1) } },
            },
            control,
            new AnycastAddresses(new AnycastOptions(), links, NullLogger<AnycastAddresses>.Instance),
            new UnusedDns(),
            TimeProvider.System,
            NullLogger<UnboundEngine>.Instance);

    private string SnippetPath => Path.Combine(directory, "conf.d", "border-dns64.conf");

    private async Task WriteSnippetAsync(string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SnippetPath)!);
        await File.WriteAllTextAsync(SnippetPath, text, TestContext.Current.CancellationToken);
    }

    private UnboundEngine Engine(FakeUnboundControl control) =>
        new(
            Options,
            new UnboundEngineOptions { ConfigPath = Path.Combine(directory, "unbound.conf"), SnippetPath = SnippetPath },
            control,
            new AnycastAddresses(new AnycastOptions(), links, NullLogger<AnycastAddresses>.Instance),
            new UnusedDns(),
            TimeProvider.System,
            NullLogger<UnboundEngine>.Instance);

    private sealed class UnusedDns : IDnsClient
    {
        public Task<DnsAnswer> QueryAaaaAsync(IPAddress server, string name, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("applying must not query DNS");
    }
}
