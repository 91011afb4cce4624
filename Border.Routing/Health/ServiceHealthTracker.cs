namespace Border.Routing.Health;

/// <summary>Turns one service's check results into its health: rise and fall for probes, at once for events,
/// and a growing hold-down for a service that flaps.</summary>
/// <remarks>
/// <para>A probe check comes up after <see cref="HealthThresholds.Rise"/> passes in a row and, once up, goes
/// down after <see cref="HealthThresholds.Fall"/> failures in a row. An event check (a process exit, a
/// table or link gone) goes down on its failure and up on its recovery, at once. The service is up when
/// every check is up; it starts with every probe check not yet risen, so nothing is announced before the
/// probes have passed. An event failure also sends every probe back to rising: after an engine died, its
/// replacement must pass the rise count before the service is trusted again.</para>
/// <para>Each time the service goes from up to down it flaps once. When it comes back, the first flap
/// costs nothing; the second holds it down for <see cref="DampingOptions.HoldDown"/>, each further one
/// twice as long as the last, up to <see cref="DampingOptions.MaxHoldDown"/>. A service that stayed up for
/// <see cref="DampingOptions.MaxHoldDown"/> has its flaps forgotten. Upstream routers damp prefixes that
/// flap; holding a sick gateway down keeps ours from being damped.</para>
/// </remarks>
public sealed class ServiceHealthTracker
{
    private readonly Dictionary<string, CheckTrack> checks = new(StringComparer.Ordinal);
    private readonly HealthThresholds thresholds;
    private readonly DampingOptions damping;
    private readonly TimeProvider time;
    private bool everUp;
    private bool checksUp;
    private int flaps;
    private DateTimeOffset upSince;
    private DateTimeOffset? heldUntil;

    /// <summary>Creates the tracker with the names of the service's probes, all not yet risen.</summary>
    public ServiceHealthTracker(IEnumerable<string> probes, HealthThresholds thresholds, DampingOptions damping, TimeProvider time)
    {
        this.thresholds = thresholds;
        this.damping = damping;
        this.time = time;
        foreach (var probe in probes)
        {
            checks.Add(probe, new CheckTrack(IsEvent: false));
        }
    }

    /// <summary>Records a probe's result. The probe must be one named at construction.</summary>
    public void RecordProbe(CheckResult result)
    {
        if (!checks.TryGetValue(result.Check, out var track) || track.IsEvent)
        {
            throw new ArgumentException($"{result.Check} is not a probe of this service", nameof(result));
        }

        track.Last = result;
        if (result.Healthy)
        {
            track.Passes++;
            track.Failures = 0;
            track.Up |= track.Passes >= thresholds.Rise;
        }
        else
        {
            track.Failures++;
            track.Passes = 0;
            track.Up &= track.Failures < thresholds.Fall;
        }

        Update();
    }

    /// <summary>Records an event: a failure takes its check down at once, a recovery brings it up at once.</summary>
    public void RecordEvent(CheckResult result)
    {
        if (!checks.TryGetValue(result.Check, out var track))
        {
            checks[result.Check] = track = new CheckTrack(IsEvent: true);
        }
        else if (!track.IsEvent)
        {
            throw new ArgumentException($"{result.Check} is a probe of this service, not an event", nameof(result));
        }

        track.Last = result;
        track.Up = result.Healthy;
        if (!result.Healthy)
        {
            foreach (var probe in checks.Values.Where(candidate => !candidate.IsEvent))
            {
                probe.Up = false;
                probe.Passes = 0;
            }
        }

        Update();
    }

    /// <summary>The service's health now.</summary>
    public ServiceHealth Current
    {
        get
        {
            var results = checks.Values.Where(track => track.Last is not null).Select(track => track.Last!).ToList();
            var failing = checks.Where(pair => !pair.Value.Up).ToList();
            if (failing.Count > 0)
            {
                return everUp
                    ? new ServiceHealth(HealthState.Down, Describe(failing, "failing"), null, results)
                    : new ServiceHealth(HealthState.Starting, Describe(failing, $"waiting for {thresholds.Rise} passes"), null, results);
            }

            if (heldUntil is { } until && time.GetUtcNow() < until)
            {
                return new ServiceHealth(HealthState.HeldDown, $"held down until {until:HH:mm:ss.fff} after {flaps} flaps", until, results);
            }

            return new ServiceHealth(HealthState.Up, $"all {checks.Count} checks pass", null, results);
        }
    }

    /// <summary>When <see cref="Current"/> changes without a new result: the end of a hold-down.</summary>
    public DateTimeOffset? NextChangeAt => heldUntil is { } until && until > time.GetUtcNow() ? until : null;

    private void Update()
    {
        var now = time.GetUtcNow();
        var up = checks.Count > 0 && checks.Values.All(track => track.Up);
        if (up == checksUp)
        {
            return;
        }

        checksUp = up;
        if (up)
        {
            heldUntil = flaps <= 1 ? null : now + HoldDownFor(flaps);
            upSince = now;
            everUp = true;
            return;
        }

        if (everUp)
        {
            var stableFor = now - upSince;
            flaps = stableFor >= damping.MaxHoldDown ? 1 : flaps + 1;
        }
    }

    private TimeSpan HoldDownFor(int flapCount)
    {
        var doublings = Math.Min(flapCount - 2, 30);
        var holdDown = damping.HoldDown * Math.Pow(2, doublings);
        return holdDown < damping.MaxHoldDown ? holdDown : damping.MaxHoldDown;
    }

    private string Describe(List<KeyValuePair<string, CheckTrack>> failing, string what) =>
        what + ": " + string.Join("; ", failing.Select(pair => pair.Value switch
        {
            { Last: null } => $"{pair.Key}: no result yet",
            { Last.Healthy: true } track => $"{pair.Key}: passed {track.Passes} of {thresholds.Rise}",
            { Last: { } last } => $"{pair.Key}: {last.Reason}",
        }));

    private sealed class CheckTrack(bool IsEvent)
    {
        public bool IsEvent { get; } = IsEvent;

        public bool Up { get; set; }

        public int Passes { get; set; }

        public int Failures { get; set; }

        public CheckResult? Last { get; set; }
    }
}
