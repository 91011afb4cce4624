using System.Net;
using Border.App.Configuration;
using Border.App.Control;
using Border.App.Metrics;
using Border.App.State;
using Border.App.Supervision;
using Border.Routing.Attractions;
using Border.Routing.Policy;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary><c>border run</c>: builds the gateway from its config, supervises it until stopped, and answers the control socket.</summary>
/// <remarks>
/// A run is a sequence of generations (<see cref="GatewayGeneration"/>), one per config. A generation starts the
/// engines' event pumps, appliers and probes and the supervisor, and lasts until a stop or a reload of a changed
/// config. A reload is validated completely first: a config that does not validate is refused with its errors and
/// the running generation carries on untouched. A valid changed config becomes the next generation, which takes
/// over, running, every engine whose settings are unchanged and the health of every service whose settings are
/// unchanged, so those services keep their announcements; only the changed engines are rebuilt and applied. The
/// next generation reconciles level-triggered, so what the speakers hold (a changed attribute included) is never
/// replayed from memory. A clean stop withdraws every attraction when <c>daemon.withdraw_on_stop</c> is set; any
/// other end of the process is covered by the <see cref="AttractionGuard"/>.
/// </remarks>
internal sealed partial class GatewayDaemon : IControlHandler
{
    /// <summary>How long a clean stop may spend withdrawing, and the guard releasing its attractions.</summary>
    internal static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(5);

    private readonly string configPath;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly SystemdNotifier notifier;
    private readonly CancellationTokenSource stopping = new();
    private GatewayConfig config;
    private string configText;
    private GatewayGeneration? current;
    private AttractionGuard? guard;

    public GatewayDaemon(string configPath, GatewayConfig config, string configText, TimeProvider time, ILoggerFactory loggers, SystemdNotifier notifier)
    {
        this.configPath = configPath;
        this.config = config;
        this.configText = configText;
        this.time = time;
        this.loggers = loggers;
        this.notifier = notifier;
        logger = loggers.CreateLogger<GatewayDaemon>();
    }

    /// <summary>Asks the daemon to stop cleanly.</summary>
    public void Stop() => stopping.Cancel();

    /// <summary>Runs generations until stopped; returns the exit code.</summary>
    public async Task<int> RunAsync()
    {
        using var instance = LockStateDirectory();
        if (instance is null)
        {
            return Cli.ExitCodes.RuntimeFailure;
        }

        DrainStore drains;
        try
        {
            drains = DrainStore.Load(config.Daemon.StateDirectory);
        }
        catch (InvalidDataException ex)
        {
            LogStartFailed(ex.Message);
            return Cli.ExitCodes.RuntimeFailure;
        }

        await using var control = ControlServer.Start(config.Daemon.ControlSocket, config.Daemon.ControlGroup, this, logger);
        await using var metrics = config.Daemon.MetricsListen is { } listen
            ? MetricsListener.Start(IPEndPoint.Parse(listen), ScrapeAsync, logger)
            : null;
        using var watchdog = notifier.WatchdogInterval is { } interval
            ? time.CreateTimer(_ => PingWatchdog(), null, interval / 2, interval / 2)
            : null;
        LeftoverEngines.End(config, logger);
        LeftoverEngines.MarkChildren(config);

        guard = AttractionGuard.Start(configPath);
        try
        {
            return await SuperviseAsync(drains);
        }
        finally
        {
            guard.Dispose();
        }
    }

    private DaemonLock? LockStateDirectory()
    {
        try
        {
            return DaemonLock.Acquire(config.Daemon.StateDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogStartFailed(ex.Message);
            return null;
        }
    }

    private async Task<int> SuperviseAsync(DrainStore drains)
    {
        var generation = await GatewayGeneration.StartAsync(config, drains, time, loggers, previous: null, stopping.Token);
        current = generation;
        notifier.Ready($"supervising {config.Name}");
        LogStarted(config.Name, configPath);
        while (true)
        {
            var reload = await generation.WaitAsync(stopping.Token);
            if (reload is null)
            {
                notifier.Stopping("withdrawing and stopping");
                LogStopping(config.Daemon.WithdrawOnStop ? "withdrawing this gateway's attractions" : "leaving the attractions to the next start (daemon.withdraw_on_stop is off)");
                if (!await generation.StopAsync(config.Daemon.WithdrawOnStop))
                {
                    // Not released, the guard reads end-of-file once this process has exited and withdraws the rest.
                    LogStopUnfinished(StopBudget.TotalSeconds);
                    return Cli.ExitCodes.RuntimeFailure;
                }

                await ReleaseGuardAsync();
                return Cli.ExitCodes.Ok;
            }

            notifier.Status("reloading: switching to the new config");
            var (candidate, text, done) = reload;
            var next = await GatewayGeneration.StartAsync(candidate, drains, time, loggers, generation, stopping.Token);
            (config, configText) = (candidate, text);
            current = generation = next;

            // The guard must withdraw through the speakers of the config now in force; the new one is up before
            // the old one lets go, so the attractions are never unguarded.
            var oldGuard = guard!;
            guard = AttractionGuard.Start(configPath);
            await ReleaseAsync(oldGuard);
            oldGuard.Dispose();

            try
            {
                await generation.Supervisor.FirstPass.WaitAsync(stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                done.TrySetResult($"{configPath}: border is stopping; the new config was in force");
                continue;
            }

            var summary = string.Join("; ", generation.Changes.Select(change => change.ToString()));
            LogReloadDone(configPath, summary);
            notifier.Ready($"supervising {config.Name}");
            done.TrySetResult($"{configPath}: reloaded; {summary}");
        }
    }

    private Task ReleaseGuardAsync() => ReleaseAsync(guard!);

    private static async Task ReleaseAsync(AttractionGuard releasing)
    {
        using var budget = new CancellationTokenSource(StopBudget);
        await releasing.ReleaseAsync(budget.Token);
    }

    public async Task<ControlResponse> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellationToken)
    {
        if (current is not { } generation)
        {
            return ControlResponse.Failure("border is starting; ask again in a moment");
        }

        switch (request.Command)
        {
            case "status":
                return new ControlResponse(true, "ok", StatusReports.From(generation.Supervisor.Snapshot));
            case "reload":
                return await ReloadAsync(generation, cancellationToken);
            case "drain" or "undrain":
                if (ParseServices(request.Services) is not { } services)
                {
                    return ControlResponse.Failure($"unknown service in [{string.Join(", ", request.Services ?? [])}]; services are {string.Join(", ", ServiceNames.All.Select(service => service.Name()))}");
                }

                var message = request.Command == "drain"
                    ? await generation.Supervisor.DrainAsync(services, new Drain(peer.UserName, time.GetUtcNow(), request.Reason), cancellationToken)
                    : await generation.Supervisor.UndrainAsync(services, cancellationToken);
                return new ControlResponse(true, message);
            default:
                return ControlResponse.Failure($"unknown command {request.Command}; commands are status, drain, undrain and reload");
        }
    }

    /// <summary>SIGHUP: the same as <c>border reload</c>, answered in the log.</summary>
    public void ReloadFromSignal()
    {
        if (current is { } generation)
        {
            _ = ReloadAsync(generation, stopping.Token);
        }
    }

    /// <summary>Validates the file completely; refuses it with every error, or has the daemon switch to it and
    /// answers once the new config's first reconcile is done.</summary>
    private async Task<ControlResponse> ReloadAsync(GatewayGeneration generation, CancellationToken cancellationToken)
    {
        string text;
        GatewayConfig candidate;
        try
        {
            text = await File.ReadAllTextAsync(configPath, cancellationToken);
            candidate = ConfigLoader.Parse(text, configPath);
        }
        catch (Exception ex) when (ex is ConfigException or IOException or UnauthorizedAccessException)
        {
            // One log line per decision: the errors, each naming its field, joined on it.
            LogReloadRefused(string.Join(" ", ex.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            return ControlResponse.Failure($"reload refused, the running config stays: {ex.Message}");
        }

        if (text == configText)
        {
            LogReloadUnchanged(configPath);
            return new ControlResponse(true, $"{configPath}: unchanged");
        }

        // Of the daemon section only withdraw_on_stop takes effect on a reload; the rest is bound once, at start.
        if (candidate.Daemon with { WithdrawOnStop = config.Daemon.WithdrawOnStop } != config.Daemon)
        {
            const string Refusal = "reload refused, the running config stays: daemon.control_socket, daemon.control_group, daemon.metrics and daemon.state_dir change only with a restart";
            LogReloadRefused(Refusal);
            return ControlResponse.Failure(Refusal);
        }

        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!generation.RequestReload(new PendingReload(candidate, text, done)))
        {
            return ControlResponse.Failure("reload refused: another reload or a stop is under way; ask again in a moment");
        }

        LogReloadApplied(configPath);
        try
        {
            return new ControlResponse(true, await done.Task.WaitAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return ControlResponse.Failure($"{configPath} is valid and being applied, but the switch did not finish in time; see the log and border status");
        }
    }

    private static List<Service>? ParseServices(IReadOnlyList<string>? names)
    {
        var services = new List<Service>();
        foreach (var name in names ?? [])
        {
            if (!ServiceNames.TryParse(name, out var service))
            {
                return null;
            }

            services.Add(service);
        }

        return services.Count == 0 ? null : services;
    }

    private async Task<string> ScrapeAsync(CancellationToken cancellationToken) =>
        current is { } generation
            ? SupervisorMetrics.Render(generation.Supervisor.Snapshot) + await EngineMetrics.RenderAsync(generation.Counters, logger, cancellationToken)
            : "";

    /// <summary>Pings systemd only while the supervisor loop is alive, so a wedged daemon is restarted.</summary>
    private void PingWatchdog()
    {
        if (current is { IsAlive: true })
        {
            notifier.WatchdogPing();
        }
    }
}
