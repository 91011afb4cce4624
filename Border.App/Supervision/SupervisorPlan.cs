using Border.Routing.Attractions;
using Border.Routing.Health;

namespace Border.App.Supervision;

/// <summary>What the supervisor watches: the catalog, each enabled service with its checks, and the uplink.</summary>
/// <remarks>Plain data the running generation derives from its config and engines: the supervisor, its snapshot and
/// status need nothing else of them, so they are tested with a plan and fake speakers, no engine or process.</remarks>
/// <param name="Gateway">The gateway's name, as status shows it.</param>
/// <param name="Catalog">Every attraction the enabled services may hold.</param>
/// <param name="Services">The enabled services.</param>
/// <param name="Uplink">The uplink's probe and thresholds.</param>
/// <param name="Damping">The hold-down for services that flap.</param>
internal sealed record SupervisorPlan(
    string Gateway,
    IReadOnlyList<CatalogEntry> Catalog,
    IReadOnlyList<ServicePlan> Services,
    CheckPlan Uplink,
    DampingOptions Damping);

/// <summary>One enabled service: the engine that serves it and the names of the probes that must rise.</summary>
internal sealed record ServicePlan(Service Service, string Engine, CheckPlan Checks);

/// <summary>Probe names and the thresholds that judge them.</summary>
internal sealed record CheckPlan(IReadOnlyList<string> Probes, HealthThresholds Thresholds);

/// <summary>A check result on its way to the supervisor, with what it is about.</summary>
/// <param name="Services">The services the check speaks for; empty for the uplink.</param>
/// <param name="IsEvent">An event (at once) rather than a probe (rise and fall).</param>
internal sealed record CheckReport(IReadOnlyList<Service> Services, CheckResult Result, bool IsEvent)
{
    public bool IsUplink => Services.Count == 0;
}
