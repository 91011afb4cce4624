using Border.App.Control;
using Border.Routing.Attractions;
using Border.Routing.Policy;

namespace Border.App.Supervision;

/// <summary>Turns the supervisor's snapshot into what <c>border status</c> shows.</summary>
internal static class StatusReports
{
    public static StatusReport From(SupervisorSnapshot snapshot) => new(
        snapshot.Plan.Gateway,
        snapshot.At,
        new UplinkStatus(snapshot.Uplink.Healthy, snapshot.Uplink.Reason),
        [.. snapshot.Plan.Services.Select(service => Service(snapshot, service))],
        [.. snapshot.Decisions.Select(decision => Attraction(snapshot, decision))]);

    private static ServiceStatus Service(SupervisorSnapshot snapshot, ServicePlan plan)
    {
        var health = snapshot.Services[plan.Service];
        return new ServiceStatus(
            plan.Service.Name(),
            plan.Engine,
            health.State.ToString().ToLowerInvariant(),
            health.Reason,
            [.. health.LastResults.Select(result => new CheckStatus(result.Check, result.Healthy, result.Reason, result.At, result.Duration.TotalMilliseconds))],
            snapshot.Drains.TryGetValue(plan.Service, out var drain) ? new DrainStatus(drain.By, drain.At, drain.Reason) : null);
    }

    private static AttractionStatus Attraction(SupervisorSnapshot snapshot, AttractionDecision decision)
    {
        var attraction = decision.Entry.Attraction;
        return new AttractionStatus(
            attraction.ProtocolName,
            attraction.Prefix.ToString(),
            decision.Announce,
            $"{decision.Reason.Code()}: {decision.Detail}",
            snapshot.Speakers
                .Where(pair => pair.Value.Carries(attraction))
                .ToDictionary(pair => pair.Key, pair => pair.Value.Held.Contains(attraction)));
    }
}
