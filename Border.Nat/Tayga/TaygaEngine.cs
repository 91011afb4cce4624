using System.Threading.Channels;
using Border.Nat.Health;
using Border.Nat.Links;
using Border.Nat.Processes;
using Border.Nat.Tools;
using Border.Routing.Health;
using Border.Routing.Processes;
using Microsoft.Extensions.Logging;

namespace Border.Nat.Tayga;

/// <summary>Runs Tayga as border's supervised child behind a tun device border creates and routes.</summary>
/// <remarks>
/// Apply writes the config, creates the tun (<c>tayga --mktun</c>) when it is missing, brings it up, routes the
/// NAT64 prefix and the dynamic pool to it, and starts the supervisor. The supervisor is Tayga's parent: it learns
/// of an exit from the wait itself, publishes it at once with its code or signal, and restarts Tayga after a delay
/// that doubles with each consecutive exit up to a cap, and starts from the first delay again after a stable run.
/// The kernel's link notifications report the tun going down (Tayga's death drops its carrier) or away. Stateful
/// NAT64 needs border's nft table to SNAT the dynamic pool to the IPv4 pool; that rule belongs to the nftables engine.
/// The probes check the process and the tun, and, when a target is configured, ping it through the NAT64 prefix.
/// </remarks>
internal sealed partial class TaygaEngine : INatEngine, IEngineCounters, IAsyncDisposable
{
    private const int MaxDoublings = 16;
    private const string ProcessCheck = "tayga-process";
    private readonly TaygaOptions options;
    private readonly TaygaEngineOptions engineOptions;
    private readonly ITayga tayga;
    private readonly IIpLinks links;
    private readonly ILinkWatcher watcher;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HealthEventStream events = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly string config;
    private readonly string tunCheck;
    private readonly Lock gate = new();
    private Task? supervisor;
    private IDisposable? watch;
    private IChildProcess? current;
    private ProcessExit? lastExit;
    private bool restartNow;
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
        Probes = dataPlane is null
            ? [new RecordedProbe(new DelegateProbe("tayga", time, CheckAsync))]
            : [new RecordedProbe(new DelegateProbe("tayga", time, CheckAsync)), new RecordedProbe(dataPlane)];
    }

    public string Name => "tayga";

    public ChannelReader<CheckResult> Events => events.Events;

    public IReadOnlyList<RecordedProbe> Probes { get; }

    /// <summary>The running Tayga's PID, or <see langword="null"/> between an exit and the restart.</summary>
    public int? ProcessId
    {
        get
        {
            lock (gate)
            {
                return current?.Id;
            }
        }
    }

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
            if (supervisor is null)
            {
                supervisor = Task.Run(() => SuperviseAsync(stopping.Token), CancellationToken.None);
            }
            else if (changed && current is { } running)
            {
                // A new config takes effect only in a new process; restart it without the backoff wait.
                restartNow = true;
                running.Kill();
            }
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
        await stopping.CancelAsync().ConfigureAwait(false);
        Task? running;
        lock (gate)
        {
            running = supervisor;
            watch?.Dispose();
            watch = null;
        }

        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }

        events.Complete();
        stopping.Dispose();
    }

    private async Task<Finding> CheckAsync(CancellationToken cancellationToken)
    {
        int? pid;
        ProcessExit? exit;
        lock (gate)
        {
            pid = current is { Exited.IsCompleted: false } child ? child.Id : null;
            exit = lastExit;
        }

        if (pid is null)
        {
            return Finding.Fail(exit is { } last ? $"tayga not running (last exit: {last})" : "tayga not running");
        }

        var link = await links.GetLinkAsync(options.TunDevice, cancellationToken).ConfigureAwait(false);
        return link switch
        {
            null => Finding.Fail($"tun {options.TunDevice} missing"),
            { Usable: false } => Finding.Fail($"tun {options.TunDevice} down (operstate {link.OperState})"),
            _ => Finding.Pass($"tayga running (pid {pid}), tun {options.TunDevice} up"),
        };
    }

    private async Task SuperviseAsync(CancellationToken stop)
    {
        var attempt = 0;
        while (!stop.IsCancellationRequested)
        {
            IChildProcess child;
            try
            {
                child = tayga.Start(engineOptions.ConfigPath, LogOutput);
            }
            catch (CommandFailedException ex)
            {
                LogStartFailed(ex.Message);
                events.Publish(CheckRun.Now(ProcessCheck, time, Finding.Fail($"tayga could not start: {ex.Message}")));
                if (!await WaitToRestartAsync(attempt++, stop).ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            lock (gate)
            {
                current = child;
            }

            LogStarted(child.Id);
            events.Publish(CheckRun.Now(ProcessCheck, time, Finding.Pass($"tayga running (pid {child.Id})")));
            var started = time.GetTimestamp();
            ProcessExit exit;
            using (stop.Register(child.Kill))
            {
                exit = await child.Exited.ConfigureAwait(false);
            }

            bool restartAtOnce;
            lock (gate)
            {
                current = null;
                lastExit = exit;
                restartAtOnce = restartNow;
                restartNow = false;
            }

            child.Dispose();
            if (stop.IsCancellationRequested)
            {
                return;
            }

            LogExited(child.Id, exit.ToString());
            events.Publish(CheckRun.Now(ProcessCheck, time, Finding.Fail($"tayga exited ({exit})")));
            if (time.GetElapsedTime(started) >= engineOptions.StableRun)
            {
                attempt = 0;
            }

            if (!restartAtOnce && !await WaitToRestartAsync(attempt++, stop).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Waits the backoff for this attempt; false when border is stopping.</summary>
    private async Task<bool> WaitToRestartAsync(int attempt, CancellationToken stop)
    {
        var delay = RestartDelay(attempt);
        LogRestartScheduled(delay.TotalMilliseconds);
        try
        {
            await Task.Delay(delay, time, stop).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
    }

    internal TimeSpan RestartDelay(int attempt)
    {
        var delay = engineOptions.FirstRestartDelay * Math.Pow(2, Math.Min(attempt, MaxDoublings));
        return delay < engineOptions.MaxRestartDelay ? delay : engineOptions.MaxRestartDelay;
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
