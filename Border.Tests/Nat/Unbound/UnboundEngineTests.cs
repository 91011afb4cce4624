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

    [Fact]
    public async Task Apply_FirstTime_AddsAnycastChecksAndRestartsToOpenTheInterfaces()
    {
        var control = new FakeUnboundControl();

        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["checkconf", "stop", "status", "start /usr/bin/systemctl start unbound", "status"], control.Calls);
        Assert.Equal(["add link border-dns", "add 198.51.100.53/32", "add 2001:db8:d78:500::1:0/128"], links.Changes);
        Assert.Equal(UnboundSnippetRenderer.Render(Options), await File.ReadAllTextAsync(SnippetPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Apply_SnippetUnchanged_NoCheckNoReloadNoAddressChange()
    {
        await WriteSnippetAsync(UnboundSnippetRenderer.Render(Options));
        var control = new FakeUnboundControl();
        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);
        links.Changes.Clear();
        control.Calls.Clear();

        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Empty(control.Calls);
        Assert.Empty(links.Changes);
    }

    [Fact]
    public async Task Apply_SameInterfacesOtherSettings_ReloadsKeepingTheCache()
    {
        await WriteSnippetAsync(UnboundSnippetRenderer.Render(Options with { SynthesizeAll = true }));
        var control = new FakeUnboundControl();

        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["checkconf", "reload_keep_cache", "status"], control.Calls);
    }

    [Fact]
    public async Task Apply_KeepCacheRefused_FallsBackToFullReload()
    {
        await WriteSnippetAsync(UnboundSnippetRenderer.Render(Options with { SynthesizeAll = true }));
        var control = new FakeUnboundControl { RefuseKeepCache = true };

        await Engine(control).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["checkconf", "reload_keep_cache", "reload", "status"], control.Calls);
    }

    [Fact]
    public async Task Apply_CheckFails_OldSnippetBackNoReloadAndCheckersWordsInTheError()
    {
        var old = UnboundSnippetRenderer.Render(Options with { SynthesizeAll = true });
        await WriteSnippetAsync(old);
        var control = new FakeUnboundControl { CheckFailure = "unbound-checkconf exited with code 1: cannot parse forward zone name bad..example." };

        var failure = await Assert.ThrowsAsync<CommandFailedException>(() => Engine(control).ApplyAsync(TestContext.Current.CancellationToken));

        Assert.Contains("cannot parse forward zone name", failure.Message, StringComparison.Ordinal);
        Assert.Equal(["checkconf"], control.Calls);
        Assert.Equal(old, await File.ReadAllTextAsync(SnippetPath, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Apply_CheckFailsOnFirstSnippet_NoSnippetLeft()
    {
        var control = new FakeUnboundControl { CheckFailure = "unbound-checkconf exited with code 1: syntax error" };

        await Assert.ThrowsAsync<CommandFailedException>(() => Engine(control).ApplyAsync(TestContext.Current.CancellationToken));

        Assert.False(File.Exists(SnippetPath));
    }

    [Fact]
    public async Task Apply_StrayAddressOnOurInterface_Removed()
    {
        links.Links["border-dns"] = [IPNetwork.Parse("198.51.100.54/32"), IPNetwork.Parse("198.51.100.53/32")];

        await Engine(new FakeUnboundControl()).ApplyAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["add 2001:db8:d78:500::1:0/128", "delete 198.51.100.54/32"], links.Changes);
    }

    [Fact]
    public async Task Disable_Applied_RemovesSnippetReloadsAndDeletesAnycastInterface()
    {
        var control = new FakeUnboundControl();
        var engine = Engine(control);
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        control.Calls.Clear();

        await engine.DisableAsync(TestContext.Current.CancellationToken);

        Assert.False(File.Exists(SnippetPath));
        Assert.Equal(["reload_keep_cache", "status"], control.Calls);
        Assert.Empty(links.Links);
    }

    [Fact]
    public async Task ReadBack_AnycastAddressRemovedBySomeone_SaysWhichIsMissing()
    {
        var engine = Engine(new FakeUnboundControl());
        await engine.ApplyAsync(TestContext.Current.CancellationToken);
        links.Links["border-dns"].Remove(IPNetwork.Parse("2001:db8:d78:500::1:0/128"));

        var result = await engine.ReadBackAsync(TestContext.Current.CancellationToken);

        Assert.False(result.Healthy);
        Assert.Equal("anycast 2001:db8:d78:500::1:0 missing", result.Reason);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

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
