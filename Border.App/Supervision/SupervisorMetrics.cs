using Border.App.Metrics;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Border.Routing.Policy;

namespace Border.App.Supervision;

/// <summary>The supervisor's snapshot as Prometheus metrics: health, transitions, drains, attractions, check latency.</summary>
internal static class SupervisorMetrics
{
    public static string Render(SupervisorSnapshot snapshot)
    {
        var metrics = new MetricsText();
        foreach (var plan in snapshot.Plan.Services)
        {
            var service = plan.Service.Name();
            var health = snapshot.Services[plan.Service];
            metrics.Sample("border_service_healthy", "gauge", "1 when the service passes every check and is not held down.", health.Healthy ? 1 : 0, ("service", service));
            foreach (var state in Enum.GetValues<HealthState>())
            {
                metrics.Sample("border_service_state", "gauge", "1 for the service's current health state.", health.State == state ? 1 : 0, ("service", service), ("state", state.ToString().ToLowerInvariant()));
            }

            metrics.Sample("border_service_transitions_total", "counter", "Changes of the service's health state since start.", snapshot.Transitions[plan.Service], ("service", service));
            metrics.Sample("border_service_drained", "gauge", "1 while an operator's drain is in force.", snapshot.Drains.ContainsKey(plan.Service) ? 1 : 0, ("service", service));
            foreach (var check in health.LastResults)
            {
                metrics.Sample("border_check_healthy", "gauge", "1 when the check's last result passed.", check.Healthy ? 1 : 0, ("service", service), ("check", check.Check));
                metrics.Sample("border_check_duration_seconds", "gauge", "How long the check's last run took.", check.Duration.TotalSeconds, ("service", service), ("check", check.Check));
            }
        }

        metrics.Sample("border_uplink_healthy", "gauge", "1 when the uplink passes its checks.", snapshot.Uplink.Healthy ? 1 : 0);
        foreach (var decision in snapshot.Decisions)
        {
            var attraction = decision.Entry.Attraction;
            metrics.Sample("border_attraction_desired", "gauge", "1 when the policy wants the attraction announced.", decision.Announce ? 1 : 0, ("protocol", attraction.ProtocolName), ("prefix", attraction.Prefix.ToString()), ("reason", decision.Reason.Code()));
        }

        foreach (var (speaker, state) in snapshot.Speakers)
        {
            metrics.Sample("border_speaker_attractions", "gauge", "Attractions the speaker holds for this gateway after the last reconcile.", state.Held.Count, ("speaker", speaker));
            metrics.Sample("border_speaker_in_sync", "gauge", "1 when the last reconcile at the speaker succeeded.", state.Error is null ? 1 : 0, ("speaker", speaker));
        }

        metrics.Sample("border_speaker_changes_total", "counter", "Announcements and withdrawals sent to the speakers since start.", snapshot.SpeakerChanges);
        return metrics.ToString();
    }
}
