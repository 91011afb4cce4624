using System.Net;
using System.Threading.Channels;
using Border.App.Configuration;
using Border.App.Control;
using Border.App.Metrics;
using Border.App.State;
using Border.App.Supervision;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Policy;
using Border.Routing.Reconciliation;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary><c>border run</c>: builds the gateway from its config, supervises it until stopped, and answers the control socket.</summary>
/// <remarks>
/// A run is a sequence of generations, one per config. A generation applies the engines, starts their event
/// pumps and probes and the supervisor, and lasts until a stop or a reload of a changed config. A reload that
/// does not validate is refused with the errors and the running generation carries on untouched. A changed
/// config replaces the generation; the next one reconciles level-triggered, so what the speakers hold is never
/// replayed from memory. A clean stop withdraws every attraction when <c>daemon.withdraw_on_stop</c> is set;
/// any other end of the process is covered by the <see cref="AttractionGuard"/>.
/// </remarks>
internal sealed partial class GatewayDaemon : IControlHandler
{
    private static readonly TimeSpan StopBudget = TimeSpan.FromSeconds(5);

    private readonly string configPath;
    private readonly TimeProvider time;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly SystemdNotifier notifier;
    private readonly CancellationTokenSource stopping = new();
    private GatewayConfig config;
    private string configText;
    private Generation? current;
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

        await using var control = ControlServer.Start(config.Daemon.ControlSocket, this, logger);
        await using var metrics = config.Daemon.MetricsListen is { } listen
            ? MetricsListener.Start(IPEndPoint.Parse(listen), () => current is { } generation ? SupervisorMetrics.Render(generation.Supervisor.Snapshot) : "", logger)
            : null;
        using var watchdog = notifier.WatchdogInterval is { } interval
            ? time.CreateTimer(_ => PingWatchdog(), null, interval / 2, interval / 2)
            : null;
        LeftoverEngines.End(config, logger);

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

    private async Task<int> SuperviseAsync(DrainStore drains)
    {
        while (true)
        {
            var generation = await Generation.StartAsync(config, drains, time, loggers, stopping.Token);
            current = generation;
            notifier.Ready($"supervising {config.Name}");
            LogStarted(config.Name, configPath);
            var reload = await generation.WaitAsync(stopping.Token);
            if (reload is null)
            {
                notifier.Stopping("withdrawing and stopping");
                LogStopping(config.Daemon.WithdrawOnStop ? "withdrawing this gateway's attractions" : "leaving the attractions to the next start (daemon.withdraw_on_stop is off)");
                await generation.StopAsync(config.Daemon.WithdrawOnStop);
                await ReleaseGuardAsync();
                return Cli.ExitCodes.Ok;
            }

            await generation.StopAsync(withdraw: false);
            (config, configText) = reload.Value;

            // The guard must withdraw through the speakers of the config now in force.
            await ReleaseGuardAsync();
            guard!.Dispose();
            guard = AttractionGuard.Start(configPath);
        }
    }

    private async Task ReleaseGuardAsync()
    {
        using var budget = new CancellationTokenSource(StopBudget);
        await guard!.ReleaseAsync(budget.Token);
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
                return Reload(generation);
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
            Reload(generation);
        }
    }

    private ControlResponse Reload(Generation generation)
    {
        string text;
        GatewayConfig candidate;
        try
        {
            text = File.ReadAllText(configPath);
            candidate = ConfigLoader.Parse(text, configPath);
        }
        catch (Exception ex) when (ex is ConfigException or IOException or UnauthorizedAccessException)
        {
            LogReloadRefused(ex.Message);
            return ControlResponse.Failure($"reload refused, the running config stays: {ex.Message}");
        }

        if (text == configText)
        {
            return new ControlResponse(true, $"{configPath}: unchanged");
        }

        if (candidate.Daemon.ControlSocket != config.Daemon.ControlSocket || candidate.Daemon.MetricsListen != config.Daemon.MetricsListen || candidate.Daemon.StateDirectory != config.Daemon.StateDirectory)
        {
            const string Refusal = "reload refused, the running config stays: daemon.control_socket, daemon.metrics_listen and daemon.state_directory change only with a restart";
            LogReloadRefused(Refusal);
            return ControlResponse.Failure(Refusal);
        }

        generation.RequestReload(candidate, text);
        LogReloadApplied(configPath);
        return new ControlResponse(true, $"{configPath}: valid; applying");
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

    /// <summary>Pings systemd only while the supervisor loop is alive, so a wedged daemon is restarted.</summary>
    private void PingWatchdog()
    {
        if (current is { IsAlive: true })
        {
            notifier.WatchdogPing();
        }
    }

    /// <summary>One config's engines, checks and supervisor, from start to stop.</summary>
    private sealed class Generation
    {
        private readonly GatewayRuntime runtime;
        private readonly CancellationTokenSource running;
        private readonly TaskCompletionSource<(GatewayConfig, string)?> reload = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Task> loops = [];
        private readonly Task supervising;

        private Generation(GatewayRuntime runtime, GatewaySupervisor supervisor, CancellationTokenSource running)
        {
            this.runtime = runtime;
            Supervisor = supervisor;
            this.running = running;
            supervising = supervisor.RunAsync(running.Token);
        }

        public GatewaySupervisor Supervisor { get; }

        public bool IsAlive => !supervising.IsCompleted;

        public static async Task<Generation> StartAsync(GatewayConfig config, DrainStore drains, TimeProvider time, ILoggerFactory loggers, CancellationToken stopping)
        {
            var runtime = GatewayRuntime.Build(config, time, loggers);
            var supervisor = new GatewaySupervisor(
                runtime.Plan,
                drains,
                runtime.Speakers,
                new AttractionReconciler(runtime.Speakers, loggers.CreateLogger<AttractionReconciler>()),
                time,
                loggers.CreateLogger<GatewaySupervisor>());
            var generation = new Generation(runtime, supervisor, CancellationTokenSource.CreateLinkedTokenSource(stopping));
            await generation.StartChecksAsync(config, time, loggers.CreateLogger<GatewayDaemon>());
            return generation;
        }

        public void RequestReload(GatewayConfig config, string text) => reload.TrySetResult((config, text));

        /// <summary>Waits for a reload (its config) or a stop (<see langword="null"/>).</summary>
        public async Task<(GatewayConfig, string)?> WaitAsync(CancellationToken stopping)
        {
            using var registration = stopping.Register(() => reload.TrySetResult(null));
            return await reload.Task;
        }

        public async Task StopAsync(bool withdraw)
        {
            await running.CancelAsync();
            await Task.WhenAll([supervising, .. loops]);
            if (withdraw)
            {
                using var budget = new CancellationTokenSource(StopBudget);
                await Supervisor.WithdrawAllAsync(budget.Token);
            }

            Supervisor.Dispose();
            await runtime.DisposeAsync();
            running.Dispose();
        }

        private async Task StartChecksAsync(GatewayConfig config, TimeProvider time, ILogger logger)
        {
            foreach (var binding in runtime.Engines)
            {
                loops.Add(PumpEventsAsync(binding.Engine.Events, binding.Services));
            }

            foreach (var binding in runtime.Engines)
            {
                try
                {
                    await binding.Engine.ApplyAsync(running.Token);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The service stays down with the tool's words as the reason; the other engines carry on.
                    LogApplyFailed(logger, binding.Engine.Name, ex.Message);
                    Supervisor.Report(new CheckReport(binding.Services, CheckResult.Fail($"{binding.Engine.Name} apply", ex.Message, time.GetUtcNow()), IsEvent: true));
                }

                foreach (var probe in binding.Engine.Probes)
                {
                    loops.Add(new ProbeRunner(probe, binding.Schedule, time, result => Supervisor.Report(new CheckReport(binding.Services, result, IsEvent: false))).RunAsync(running.Token));
                }
            }

            loops.Add(new ProbeRunner(runtime.UplinkProbe, config.Health.Schedules["uplink"], time, result => Supervisor.Report(new CheckReport([], result, IsEvent: false))).RunAsync(running.Token));
            loops.Add(PumpEventsAsync(runtime.UplinkLink.Events, []));
            await runtime.UplinkLink.StartAsync(running.Token);
        }

        private async Task PumpEventsAsync(ChannelReader<CheckResult> events, IReadOnlyList<Service> services)
        {
            try
            {
                await foreach (var result in events.ReadAllAsync(running.Token))
                {
                    Supervisor.Report(new CheckReport(services, result, IsEvent: true));
                }
            }
            catch (OperationCanceledException) when (running.IsCancellationRequested)
            {
                // Stopping.
            }
        }
    }
}
