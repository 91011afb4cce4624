using System.Threading.Channels;
using Border.Nat.Health;
using Border.Nat.Links;
using Border.Nat.Processes;
using Border.Nat.Tools;
using Border.Routing.Health;
using Microsoft.Extensions.Logging;

namespace Border.Nat.Tayga;

/// <summary>Runs Tayga as border's supervised child behind a tun device border creates and routes.</summary>
/// <remarks>
/// Apply writes the config, creates the tun (<c>tayga --mktun</c>) when it is missing, brings it up, routes the
/// NAT64 prefix and the dynamic pool to it, and starts Tayga under a <see cref="ChildSupervisor"/>, which makes border
/// its parent: an exit is published at once as an event and Tayga is restarted with a backoff.
/// The kernel's link notifications report the tun going down (Tayga's death drops its carrier) or away. Stateful
/// NAT64 needs border's nft table to SNAT the dynamic pool to the IPv4 pool; that rule belongs to the nftables engine.
/// The probes check the process and the tun, and, when a target is configured, ping it through the NAT64 prefix.
/// </remarks>
internal sealed partial class TaygaEngine : INatEngine, IEngineCounters, IAsyncDisposable
{
    private readonly TaygaOptions options;
    private readonly TaygaEngineOptions engineOptions;
    private readonly ITayga tayga;
    private readonly IIpLinks links;
    private readonly ILinkWatcher watcher;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HealthEventStream events = new();
    private readonly ChildSupervisor child;
    private readonly string config;
    private readonly string tunCheck;
    private readonly Lock gate = new();
    private IDisposable? watch;
    private bool tunUsable = true;

    public TaygaEngine(
        TaygaOptions options,
        TaygaEngineOptions engineOptions,
        ITayga tayga,
        IIpLinks links,
        ILinkWatcher watcher,
        TimeProvider time,
        ILogger<TaygaEngine> logger,
        IProbe? dataPlane = null)
    {
        this.options = options;
        this.engineOptions = engineOptions;
        this.tayga = tayga;
        this.links = links;
        this.watcher = watcher;
        this.time = time;
        this.logger = logger;
        config = TaygaConfigRenderer.Render(options);
        tunCheck = $"tun {options.TunDevice}";
        child = new ChildSupervisor(Name, output => tayga.Start(engineOptions.ConfigPath, output), engineOptions.Restart, events, time, logger);
        Probes = dataPlane is null
            ? [new RecordedProbe(new DelegateProbe("tayga", time, CheckAsync))]
            : [new RecordedProbe(new DelegateProbe("tayga", time, CheckAsync)), new RecordedProbe(dataPlane)];
    }

    public string Name => "tayga";

    public ChannelReader<CheckResult> Events => events.Events;

    public IReadOnlyList<RecordedProbe> Probes { get; }

    /// <summary>The running Tayga's PID, or <see langword="null"/> between an exit and the restart.</summary>
    public int? ProcessId => child.ProcessId;

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var changed = await ConfigFile.WriteIfChangedAsync(engineOptions.ConfigPath, config, cancellationToken).ConfigureAwait(false);
        if (await links.GetLinkAsync(options.TunDevice, cancellationToken).ConfigureAwait(false) is null)
        {
            await tayga.MakeTunAsync(engineOptions.ConfigPath, cancellationToken).ConfigureAwait(false);
        }

        await links.SetUpAsync(options.TunDevice, cancellationToken).ConfigureAwait(false);
        await links.ReplaceRouteAsync(options.Prefix, options.TunDevice, cancellationToken).ConfigureAwait(false);
        await links.ReplaceRouteAsync(options.DynamicPool, options.TunDevice, cancellationToken).ConfigureAwait(false);
        LogTunPrepared(options.TunDevice);

        lock (gate)
        {
            watch ??= watcher.Watch(options.TunDevice, OnTunChanged);
        }

        if (!child.Started)
        {
            child.Start();
        }
        else if (changed)
        {
            // A new config takes effect only in a new process; restart it without the backoff wait.
            child.RestartNow();
        }
    }

    public Task<CheckResult> ReadBackAsync(CancellationToken cancellationToken) =>
        CheckRun.GuardAsync("tayga", time, async token =>
        {
            var written = await ConfigFile.ReadAsync(engineOptions.ConfigPath, token).ConfigureAwait(false);
            if (written != config)
            {
                return Finding.Fail($"{engineOptions.ConfigPath} differs from the rendered config");
            }

            return await CheckAsync(token).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The clients Tayga has mapped to its dynamic pool, from its <c>dynamic.map</c>; none before the first.</summary>
    public async Task<IReadOnlyList<EngineCounter>> ReadCountersAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(options.DataDirectory, TaygaDynamicMap.FileName);
        var text = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : "";
        return [new EngineCounter(TaygaDynamicMap.Metric, "IPv6 clients Tayga has mapped to an address of its dynamic pool.", TaygaDynamicMap.Count(text), [new("tun", options.TunDevice)])];
    }

    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            watch?.Dispose();
            watch = null;
        }

        await child.DisposeAsync().ConfigureAwait(false);
        events.Complete();
    }

    private async Task<Finding> CheckAsync(CancellationToken cancellationToken)
    {
        if (child.ProcessId is not { } pid)
        {
            return Finding.Fail(child.LastExit is { } last ? $"tayga not running (last exit: {last})" : "tayga not running");
        }

        var link = await links.GetLinkAsync(options.TunDevice, cancellationToken).ConfigureAwait(false);
        return link switch
        {
            null => Finding.Fail($"tun {options.TunDevice} missing"),
            { Usable: false } => Finding.Fail($"tun {options.TunDevice} down (operstate {link.OperState})"),
            _ => Finding.Pass($"tayga running (pid {pid}), tun {options.TunDevice} up"),
        };
    }

    private void OnTunChanged(LinkState? state)
    {
        var usable = state is { Usable: true };
        lock (gate)
        {
            if (usable == tunUsable)
            {
                return;
            }

            tunUsable = usable;
        }

        var finding = state switch
        {
            null => Finding.Fail($"tun {options.TunDevice} deleted"),
            { Usable: false } => Finding.Fail($"tun {options.TunDevice} down (operstate {state.OperState})"),
            _ => Finding.Pass($"tun {options.TunDevice} up"),
        };
        events.Publish(CheckRun.Now(tunCheck, time, finding));
    }
}
