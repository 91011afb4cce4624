using Border.Nat.Anycast;
using Border.Nat.Dns;
using System.Threading.Channels;
using Border.Nat.Health;
using Border.Nat.Processes;
using Border.Nat.Tools;
using Border.Routing.Health;
using Border.Routing.Processes;
using Microsoft.Extensions.Logging;

namespace Border.Nat.Unbound;

/// <summary>DNS64 on Unbound (the system's service, or border's own child): border's snippet, checked before it
/// counts, and the anycast addresses.</summary>
/// <remarks>
/// Apply puts the anycast addresses on border's interface, then writes the snippet only when its text changed, checks
/// Unbound's whole config with <c>unbound-checkconf</c> and puts the old snippet back when the check fails, so a bad
/// snippet never reaches a reload. The reload keeps the cache (<c>reload_keep_cache</c>); when Unbound refuses that
/// for this change it falls back to a full reload. Unbound opens its listening interfaces only when it starts, so a
/// change of the <c>interface:</c> lines (the first apply, or new anycast addresses) stops Unbound and starts it
/// with the host's start command instead. One probe per anycast address asks for an IPv4-only name.
/// When border runs Unbound as its child (<see cref="UnboundEngineOptions.Child"/>), apply also writes Unbound's main
/// config, starts the child the first time, and ends it for a new one instead of stopping and starting a service;
/// the child's exit is an event that takes the service down at once, and the restarted child comes back through
/// the probes' rise.
/// </remarks>
internal sealed partial class UnboundEngine : INatEngine, IAsyncDisposable
{
    private static readonly TimeSpan StatusPollInterval = TimeSpan.FromMilliseconds(100);
    private readonly UnboundOptions options;
    private readonly UnboundEngineOptions engineOptions;
    private readonly IUnboundControl unbound;
    private readonly AnycastAddresses anycast;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HealthEventStream events = new();
    private readonly string snippet;
    private readonly string? mainConfig;
    private readonly ChildSupervisor? child;

    public UnboundEngine(
        UnboundOptions options,
        UnboundEngineOptions engineOptions,
        IUnboundControl unbound,
        AnycastAddresses anycast,
        IDnsClient dns,
        TimeProvider time,
        ILogger<UnboundEngine> logger)
    {
        this.options = options;
        this.engineOptions = engineOptions;
        this.unbound = unbound;
        this.anycast = anycast;
        this.time = time;
        this.logger = logger;
        snippet = UnboundSnippetRenderer.Render(options);
        if (engineOptions.Child is { } childOptions)
        {
            mainConfig = UnboundMainConfigRenderer.Render(engineOptions.ConfigPath, engineOptions.SnippetPath, childOptions);
            child = new ChildSupervisor(
                "unbound",
                onOutputLine => unbound.Run(engineOptions.ConfigPath, onOutputLine),
                childOptions.Restart,
                events,
                time,
                logger);
        }

        Probes = [.. options.ListenAddresses.Select(address => new RecordedProbe(
            new Dns64Probe(address, engineOptions.ProbeName, options.Dns64Prefix, engineOptions.ProbeTimeout, dns, time)))];
    }

    public string Name => "unbound";

    public ChannelReader<CheckResult> Events => events.Events;

    public IReadOnlyList<RecordedProbe> Probes { get; }

    /// <summary>The running child Unbound's PID; <see langword="null"/> between an exit and the restart, or when the
    /// system's service runs Unbound.</summary>
    public int? ProcessId => child?.ProcessId;

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await anycast.ApplyAsync(options.ListenAddresses, cancellationToken).ConfigureAwait(false);
        if (engineOptions.Child is { } childOptions)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(childOptions.ControlSocket))!);
        }

        var mainChanged = mainConfig is not null
            && await ConfigFile.WriteIfChangedAsync(engineOptions.ConfigPath, mainConfig, cancellationToken).ConfigureAwait(false);
        var previous = await ConfigFile.ReadAsync(engineOptions.SnippetPath, cancellationToken).ConfigureAwait(false);
        if (previous == snippet && !mainChanged && child is not { Started: false })
        {
            LogUnchanged(engineOptions.SnippetPath);
            return;
        }

        await ConfigFile.WriteIfChangedAsync(engineOptions.SnippetPath, snippet, cancellationToken).ConfigureAwait(false);
        try
        {
            await unbound.CheckConfigAsync(engineOptions.ConfigPath, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException ex)
        {
            await ConfigFile.RestoreAsync(engineOptions.SnippetPath, previous, CancellationToken.None).ConfigureAwait(false);
            LogCheckFailed(ex.Message);
            throw;
        }

        var listenChanged = !ListenLines(previous).SetEquals(ListenLines(snippet));
        if (child is not null)
        {
            await RunChildAsync(child, mainChanged || listenChanged, cancellationToken).ConfigureAwait(false);
        }
        else if (listenChanged)
        {
            await RestartAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
        }

        LogApplied(engineOptions.SnippetPath);
    }

    /// <summary>Takes DNS64 away: the snippet goes, Unbound reloads without it, and the anycast addresses are removed.</summary>
    public async Task DisableAsync(CancellationToken cancellationToken)
    {
        var previous = await ConfigFile.ReadAsync(engineOptions.SnippetPath, cancellationToken).ConfigureAwait(false);
        if (previous is not null)
        {
            File.Delete(engineOptions.SnippetPath);
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
        }

        await anycast.RemoveAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<CheckResult> ReadBackAsync(CancellationToken cancellationToken) =>
        CheckRun.GuardAsync("unbound-config", time, async token =>
        {
            var written = await ConfigFile.ReadAsync(engineOptions.SnippetPath, token).ConfigureAwait(false);
            if (written != snippet)
            {
                return Finding.Fail(written is null
                    ? $"{engineOptions.SnippetPath} missing"
                    : $"{engineOptions.SnippetPath} differs from the rendered snippet");
            }

            var present = await anycast.ReadAsync(token).ConfigureAwait(false);
            var missing = options.ListenAddresses.Where(address => !present.Any(held => held.BaseAddress.Equals(address))).ToList();
            if (missing.Count > 0)
            {
                return Finding.Fail($"anycast {string.Join(", ", missing)} missing");
            }

            await unbound.StatusAsync(engineOptions.ConfigPath, token).ConfigureAwait(false);
            return Finding.Pass("snippet applied, anycast addresses present, unbound answers on its control interface");
        }, cancellationToken);

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await unbound.ReloadAsync(engineOptions.ConfigPath, keepCache: true, cancellationToken).ConfigureAwait(false);
            LogReloaded("reload_keep_cache");
        }
        catch (CommandFailedException ex)
        {
            // Unbound refuses to keep the cache across some changes (thread or cache sizes); a full reload is the answer.
            LogKeepCacheRefused(ex.Message);
            await unbound.ReloadAsync(engineOptions.ConfigPath, keepCache: false, cancellationToken).ConfigureAwait(false);
            LogReloaded("reload");
        }

        await WaitForStatusAsync(serving: true, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (child is not null)
        {
            await child.DisposeAsync().ConfigureAwait(false);
        }

        events.Complete();
    }

    /// <summary>Starts the child the first time; later, a new process for what only a start reads (the listen
    /// addresses, the main config), a reload for the rest.</summary>
    private async Task RunChildAsync(ChildSupervisor running, bool needsNewProcess, CancellationToken cancellationToken)
    {
        if (running.Started && !needsNewProcess)
        {
            await ReloadAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (running.Started)
        {
            LogRestarting();
            running.RestartNow();
        }
        else
        {
            running.Start();
        }

        await WaitForStatusAsync(serving: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The <c>interface:</c> lines of a snippet; an absent snippet leaves Unbound on its defaults.</summary>
    private static HashSet<string> ListenLines(string? text) =>
        text is null
            ? []
            : [.. text.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("interface:", StringComparison.Ordinal))];

    /// <summary>Stops Unbound, waits until its control interface is gone, and starts it the host's way.</summary>
    private async Task RestartAsync(CancellationToken cancellationToken)
    {
        LogRestarting();
        try
        {
            await unbound.StopAsync(engineOptions.ConfigPath, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException ex)
        {
            // Not running is fine: starting it is what we came for.
            LogStopFailed(ex.Message);
        }

        await WaitForStatusAsync(serving: false, cancellationToken).ConfigureAwait(false);
        await unbound.StartAsync(engineOptions.StartCommand, cancellationToken).ConfigureAwait(false);
        await WaitForStatusAsync(serving: true, cancellationToken).ConfigureAwait(false);
        LogReloaded("restart");
    }

    /// <summary>Waits, within the reload timeout, until Unbound does (or no longer does) answer on its control
    /// interface: it acknowledges a reload or a stop before it acts on it. Throws when the wait for serving runs out.</summary>
    private async Task WaitForStatusAsync(bool serving, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (true)
        {
            CommandFailedException? failure = null;
            try
            {
                await unbound.StatusAsync(engineOptions.ConfigPath, cancellationToken).ConfigureAwait(false);
            }
            catch (CommandFailedException ex)
            {
                failure = ex;
            }

            if ((failure is null) == serving)
            {
                return;
            }

            if (time.GetElapsedTime(started) >= engineOptions.ReloadTimeout)
            {
                if (failure is not null)
                {
                    throw failure;
                }

                return;
            }

            await Task.Delay(StatusPollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
