using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Policy;
using Border.Routing.Speakers;

namespace Border.App.Supervision;

/// <summary>What one speaker holds of ours after the last pass, and why it may be behind.</summary>
/// <param name="Held">Our attractions at the speaker, as the last successful reconcile left them.</param>
/// <param name="Error">Why the last reconcile at this speaker failed, if it did.</param>
/// <param name="Carries">Which attractions the speaker carries, so status shows it only for those.</param>
internal sealed record SpeakerState(IReadOnlySet<Attraction> Held, string? Error, Func<Attraction, bool> Carries);

/// <summary>The supervisor's state after a pass: immutable, so status and metrics read it without locks held.</summary>
internal sealed record SupervisorSnapshot(
    SupervisorPlan Plan,
    DateTimeOffset At,
    IReadOnlyDictionary<Service, ServiceHealth> Services,
    ServiceHealth Uplink,
    IReadOnlyDictionary<Service, Drain> Drains,
    IReadOnlyList<AttractionDecision> Decisions,
    IReadOnlyDictionary<string, SpeakerState> Speakers,
    IReadOnlyDictionary<Service, long> Transitions,
    long SpeakerChanges)
{
    public static SupervisorSnapshot Initial(SupervisorPlan plan, IReadOnlyList<IRouteSpeaker> speakers, DateTimeOffset at)
    {
        var starting = new ServiceHealth(HealthState.Starting, "not checked yet", null, []);
        return new SupervisorSnapshot(
            plan,
            at,
            plan.Services.ToDictionary(service => service.Service, _ => starting),
            starting,
            new Dictionary<Service, Drain>(),
            [],
            speakers.ToDictionary(speaker => speaker.Name, speaker => new SpeakerState(new HashSet<Attraction>(), null, speaker.Carries)),
            plan.Services.ToDictionary(service => service.Service, _ => 0L),
            0);
    }

    /// <summary>The first snapshot under a reloaded config: the services' health as handed over, and the
    /// counters of <paramref name="previous"/> going on.</summary>
    public SupervisorSnapshot Continuing(SupervisorSnapshot previous, IReadOnlyDictionary<Service, ServiceHealth> services, ServiceHealth uplink) =>
        this with
        {
            Services = services,
            Uplink = uplink,
            Transitions = Transitions.ToDictionary(pair => pair.Key, pair => previous.Transitions.GetValueOrDefault(pair.Key)),
            SpeakerChanges = previous.SpeakerChanges,
        };

    /// <summary>The next snapshot; a service's transitions count every change of its health state.</summary>
    public SupervisorSnapshot Next(
        DateTimeOffset at,
        IReadOnlyDictionary<Service, ServiceHealth> services,
        ServiceHealth uplink,
        IReadOnlyDictionary<Service, Drain> drains,
        IReadOnlyList<AttractionDecision> decisions,
        IReadOnlyDictionary<string, SpeakerState> speakers,
        int changes) =>
        this with
        {
            At = at,
            Services = services,
            Uplink = uplink,
            Drains = drains,
            Decisions = decisions,
            Speakers = Speakers.ToDictionary(pair => pair.Key, pair => speakers.GetValueOrDefault(pair.Key) ?? pair.Value),
            Transitions = Transitions.ToDictionary(
                pair => pair.Key,
                pair => pair.Value + (Services.TryGetValue(pair.Key, out var old) && services.TryGetValue(pair.Key, out var now) && old.State != now.State ? 1 : 0)),
            SpeakerChanges = SpeakerChanges + changes,
        };
}
