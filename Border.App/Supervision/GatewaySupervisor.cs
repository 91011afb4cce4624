using System.Threading.Channels;
using Border.App.State;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Policy;
using Border.Routing.Reconciliation;
using Border.Routing.Speakers;
using Microsoft.Extensions.Logging;

namespace Border.App.Supervision;

/// <summary>Turns check results and drains into announcements: health per service, the policy, then reconcile.</summary>
/// <remarks>
/// One loop owns every change. Check results, drains and timer ticks queue up; each pass takes everything
/// queued, updates the health trackers and asks the pure policy for the desired attractions. It reconciles every
/// speaker against what it really holds when the desired set differs from the one last reconciled, when the last
/// reconcile failed somewhere, and every <see cref="ResyncInterval"/>, so a speaker that restarted and lost our
/// attractions is filled again; a check result that changes nothing costs no read of the daemons. A pass also
/// runs on a timer: when a hold-down ends, and when the resync is due. Before the first probe has risen nothing
/// is healthy, so the first pass withdraws whatever an earlier run left behind and announces nothing.
/// </remarks>
internal sealed partial class GatewaySupervisor : IDisposable
{
    /// <summary>How often the speakers are reconciled when nothing happened.</summary>
    public static readonly TimeSpan ResyncInterval = TimeSpan.FromSeconds(5);

    private readonly SupervisorPlan plan;
    private readonly DrainStore drains;
    private readonly IReadOnlyList<IRouteSpeaker> speakers;
    private readonly AttractionReconciler reconciler;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Channel<Work> queue = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<Service, ServiceHealthTracker> trackers;
    private readonly ServiceHealthTracker uplink;
    private readonly ITimer wake;
    private readonly Lock gate = new();
    private readonly TaskCompletionSource firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SupervisorSnapshot snapshot;

    // The desired set the speakers last took without an error, and when; null until then, and after a failure.
    private IReadOnlySet<Attraction>? reconciled;
    private DateTimeOffset reconciledAt;

    /// <param name="handover">On a reload, what the previous supervisor hands over: the health of the services
    /// whose engines and checks are unchanged, and the requests it had not answered yet.</param>
    public GatewaySupervisor(
        SupervisorPlan plan,
        DrainStore drains,
        IReadOnlyList<IRouteSpeaker> speakers,
        AttractionReconciler reconciler,
        TimeProvider time,
        ILogger<GatewaySupervisor> logger,
        HealthHandover? handover = null)
    {
        this.plan = plan;
        this.drains = drains;
        this.speakers = speakers;
        this.reconciler = reconciler;
        this.time = time;
        this.logger = logger;
        trackers = plan.Services.ToDictionary(
            service => service.Service,
            service => handover?.Services.GetValueOrDefault(service.Service) ?? new ServiceHealthTracker(service.Checks.Probes, service.Checks.Thresholds, plan.Damping, time));
        uplink = handover?.Uplink ?? new ServiceHealthTracker(plan.Uplink.Probes, plan.Uplink.Thresholds, plan.Damping, time);
        wake = time.CreateTimer(_ => queue.Writer.TryWrite(Work.Tick), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        snapshot = SupervisorSnapshot.Initial(plan, speakers, time.GetUtcNow());
        if (handover is not null)
        {
            snapshot = snapshot.Continuing(handover.Last, trackers.ToDictionary(pair => pair.Key, pair => pair.Value.Current), uplink.Current);
            foreach (var work in handover.Pending)
            {
                queue.Writer.TryWrite(work);
            }
        }
    }

    /// <summary>Completes when the first pass has reconciled the speakers.</summary>
    public Task FirstPass => firstPass.Task;

    /// <summary>The latest state, for status and metrics; never blocks on a pass in progress.</summary>
    public SupervisorSnapshot Snapshot
    {
        get
        {
            lock (gate)
            {
                return snapshot;
            }
        }
    }

    /// <summary>Queues a check result; the next pass takes it.</summary>
    public void Report(CheckReport report) => queue.Writer.TryWrite(new Work(report, null, null));

    /// <summary>Drains services and waits for the pass that withdraws what they alone held.</summary>
    public Task<string> DrainAsync(IReadOnlyList<Service> services, Drain drain, CancellationToken cancellationToken) =>
        ChangeAsync(
            () =>
            {
                var changed = services.Where(service => drains.Drain(service, drain)).Select(service => service.Name()).ToList();
                return changed.Count == 0 ? "already drained" : "drained " + string.Join(", ", changed);
            },
            cancellationToken);

    /// <summary>Undrains services and waits for the pass that announces them again (once healthy).</summary>
    public Task<string> UndrainAsync(IReadOnlyList<Service> services, CancellationToken cancellationToken) =>
        ChangeAsync(
            () =>
            {
                var changed = services.Where(drains.Undrain).Select(service => service.Name()).ToList();
                return changed.Count == 0 ? "not drained" : "undrained " + string.Join(", ", changed);
            },
            cancellationToken);

    /// <summary>Runs passes until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        queue.Writer.TryWrite(Work.Tick);
        try
        {
            while (await queue.Reader.WaitToReadAsync(cancellationToken))
            {
                var batch = new List<Work>();
                while (queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                await PassAsync(batch, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: what to do with the announcements is the caller's choice (WithdrawAllAsync).
        }
    }

    /// <summary>Withdraws every attraction of this gateway from every speaker: a clean stop drains the gateway.</summary>
    public async Task WithdrawAllAsync(CancellationToken cancellationToken)
    {
        var results = await reconciler.ReconcileAsync(new HashSet<Attraction>(), cancellationToken);
        foreach (var action in results.SelectMany(result => result.Actions))
        {
            LogStopWithdrawal(action.Attraction.Prefix.ToString(), action.Speaker);
        }

        Publish(Snapshot.Decisions, results, new HashSet<Attraction>());
    }

    /// <summary>After <see cref="RunAsync"/> has ended: takes in the check results still queued and hands the
    /// next supervisor the trackers it may keep and the drains and undrains not yet done.</summary>
    /// <param name="keep">Whether a service's tracker carries over: its engines and checks are unchanged.</param>
    /// <param name="keepUplink">Whether the uplink's tracker carries over.</param>
    public HealthHandover HandOver(Func<ServicePlan, bool> keep, bool keepUplink)
    {
        queue.Writer.TryComplete();
        var pending = new List<Work>();
        while (queue.Reader.TryRead(out var item))
        {
            if (item.Report is { } report)
            {
                Record(report);
            }

            if (item.Change is not null)
            {
                pending.Add(item);
            }
        }

        return new HealthHandover(
            plan.Services.Where(keep).ToDictionary(service => service.Service, service => trackers[service.Service]),
            keepUplink ? uplink : null,
            Snapshot,
            pending);
    }

    public void Dispose() => wake.Dispose();

    private async Task<string> ChangeAsync(Func<string> change, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!queue.Writer.TryWrite(new Work(null, change, done)))
        {
            return "border is switching to a new config; nothing was changed, ask again in a moment";
        }

        return await done.Task.WaitAsync(cancellationToken);
    }

    private async Task PassAsync(List<Work> batch, CancellationToken cancellationToken)
    {
        var answers = new List<(TaskCompletionSource<string> Done, string Message)>();
        foreach (var item in batch)
        {
            if (item.Report is { } report)
            {
                Record(report);
            }

            if (item.Change is { } change)
            {
                string message;
                try
                {
                    message = change();
                }
                catch (IOException ex)
                {
                    message = $"the drain state could not be written: {ex.Message}";
                }

                answers.Add((item.Done!, message));
            }
        }

        var before = Snapshot;
        var services = trackers.ToDictionary(pair => pair.Key, pair => pair.Value.Current);
        LogHealthChanges(before.Services, services);
        var uplinkHealth = uplink.Current;
        if (before.Uplink.Healthy != uplinkHealth.Healthy)
        {
            LogUplink(uplinkHealth);
        }

        var conditions = services.ToDictionary(
            pair => pair.Key,
            pair => new ServiceCondition(pair.Value.Healthy, Cause(pair.Value), drains.Drains.GetValueOrDefault(pair.Key)));
        var decisions = AnnouncementPolicy.Decide(plan.Catalog, conditions, new UplinkCondition(uplinkHealth.Healthy, uplinkHealth.Reason));
        var desired = decisions.Where(decision => decision.Announce).Select(decision => decision.Entry.Attraction).ToHashSet();
        var results = await ReconcileIfDueAsync(desired, cancellationToken);
        LogActions(decisions, results);
        Publish(decisions, results, desired, services, uplinkHealth);
        foreach (var (done, message) in answers)
        {
            done.TrySetResult(message);
        }

        firstPass.TrySetResult();
        ScheduleWake();
    }

    private async Task<IReadOnlyList<SpeakerReconcileResult>> ReconcileIfDueAsync(IReadOnlySet<Attraction> desired, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (reconciled is not null && reconciled.SetEquals(desired) && now - reconciledAt < ResyncInterval)
        {
            return [];
        }

        var results = await reconciler.ReconcileAsync(desired, cancellationToken);
        reconciled = results.All(result => result.Succeeded) ? desired : null;
        reconciledAt = now;
        return results;
    }

    /// <summary>Why a service is not up, the failing checks first: after an engine died, its death is the cause,
    /// not the probes that must rise again behind it.</summary>
    private static string Cause(ServiceHealth health)
    {
        var failing = health.LastResults.Where(result => !result.Healthy).Select(result => $"{result.Check}: {result.Reason}").ToList();
        return health.State == HealthState.Down && failing.Count > 0 ? string.Join("; ", failing) : health.Reason;
    }

    private void Record(CheckReport report)
    {
        var targets = report.IsUplink
            ? [(uplink, plan.Uplink)]
            : plan.Services.Where(service => report.Services.Contains(service.Service)).Select(service => (trackers[service.Service], service.Checks));
        foreach (var (tracker, checks) in targets)
        {
            try
            {
                if (!report.IsEvent)
                {
                    tracker.RecordProbe(report.Result);
                }
                else if (checks.Probes.Contains(report.Result.Check))
                {
                    // An engine that found its probe's fault between rounds (nftables' drift) tells at once; the
                    // event counts as an event of its own, so the probe still rises and falls by its thresholds.
                    tracker.RecordEvent(report.Result with { Check = report.Result.Check + " event" });
                }
                else
                {
                    tracker.RecordEvent(report.Result);
                }
            }
            catch (ArgumentException ex)
            {
                // A result the plan does not know must never stop the loop that guards every announcement.
                LogReportDropped(report.Result.Check, ex.Message);
            }
        }
    }

    private void ScheduleWake()
    {
        var now = time.GetUtcNow();
        var next = reconciledAt + ResyncInterval;
        foreach (var holdDownEnd in trackers.Values.Append(uplink).Select(tracker => tracker.NextChangeAt).OfType<DateTimeOffset>())
        {
            next = holdDownEnd < next ? holdDownEnd : next;
        }

        // A reconcile slower than the resync interval leaves the next one due already.
        wake.Change(next > now ? next - now : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private void Publish(
        IReadOnlyList<AttractionDecision> decisions,
        IReadOnlyList<SpeakerReconcileResult> results,
        IReadOnlySet<Attraction> desired,
        IReadOnlyDictionary<Service, ServiceHealth>? services = null,
        ServiceHealth? uplinkHealth = null)
    {
        lock (gate)
        {
            snapshot = snapshot.Next(
                time.GetUtcNow(),
                services ?? snapshot.Services,
                uplinkHealth ?? snapshot.Uplink,
                new Dictionary<Service, Drain>(drains.Drains),
                decisions,
                results.ToDictionary(
                    result => result.Speaker,
                    result => snapshot.Speakers[result.Speaker] is var old && result.Succeeded
                        ? old with { Held = desired.Where(old.Carries).ToHashSet(), Error = null }
                        : old with { Error = result.Error }),
                results.Sum(result => result.Actions.Count));
        }
    }

    private void LogHealthChanges(IReadOnlyDictionary<Service, ServiceHealth> before, IReadOnlyDictionary<Service, ServiceHealth> now)
    {
        foreach (var (service, health) in now)
        {
            if (before.TryGetValue(service, out var old) && old.State == health.State)
            {
                continue;
            }

            switch (health.State)
            {
                case HealthState.Up:
                    LogServiceUp(service.Name(), health.Reason);
                    break;
                case HealthState.Down:
                    LogServiceDown(service.Name(), Cause(health));
                    break;
                case HealthState.HeldDown:
                    LogServiceHeldDown(service.Name(), health.Reason);
                    break;
                default:
                    LogServiceStarting(service.Name(), health.Reason);
                    break;
            }
        }
    }

    private void LogUplink(ServiceHealth health)
    {
        if (health.Healthy)
        {
            LogUplinkUp(health.Reason);
        }
        else
        {
            LogUplinkDown(health.Reason);
        }
    }

    /// <summary>One line per change at a speaker, with the policy's cause: "nat64 down: ...; withdrew P from frr-ospf".</summary>
    private void LogActions(IReadOnlyList<AttractionDecision> decisions, IReadOnlyList<SpeakerReconcileResult> results)
    {
        var byPrefix = decisions.ToDictionary(decision => decision.Entry.Attraction.Prefix);
        foreach (var action in results.SelectMany(result => result.Actions))
        {
            var prefix = action.Attraction.Prefix.ToString();
            if (action.Verb == ReconcileVerb.Announce)
            {
                LogAnnounced(byPrefix[action.Attraction.Prefix].Detail, prefix, action.Speaker);
            }
            else if (!byPrefix.TryGetValue(action.Attraction.Prefix, out var decision))
            {
                LogStaleWithdrawn(prefix, action.Speaker);
            }
            else if (decision.Reason == DecisionReason.Drained)
            {
                LogDrainWithdrawn(decision.Detail, prefix, action.Speaker);
            }
            else
            {
                LogFaultWithdrawn(decision.Detail, prefix, action.Speaker);
            }
        }

        foreach (var failed in results.Where(result => !result.Succeeded))
        {
            LogSpeakerBehind(failed.Speaker, failed.Error!);
        }
    }

    /// <summary>One queued item: a check result, a drain change with its answer, or a bare tick.</summary>
    internal sealed record Work(CheckReport? Report, Func<string>? Change, TaskCompletionSource<string>? Done)
    {
        public static readonly Work Tick = new(null, null, null);
    }
}

/// <summary>What one supervisor hands the next on a reload.</summary>
/// <param name="Services">The trackers of the services that keep their health.</param>
/// <param name="Uplink">The uplink's tracker, when its checks are unchanged.</param>
/// <param name="Last">The last snapshot, whose counters go on.</param>
/// <param name="Pending">Drains and undrains queued but not yet done.</param>
internal sealed record HealthHandover(
    IReadOnlyDictionary<Service, ServiceHealthTracker> Services,
    ServiceHealthTracker? Uplink,
    SupervisorSnapshot Last,
    IReadOnlyList<GatewaySupervisor.Work> Pending);
