using Border.Routing.Attractions;

namespace Border.Routing.Policy;

/// <summary>One attraction's fate: announce or withdraw, with the reason code and the words behind it.</summary>
public sealed record AttractionDecision(CatalogEntry Entry, bool Announce, DecisionReason Reason, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{(Announce ? "announce" : "withdraw")} {Entry.Attraction.ProtocolName} {Entry.Attraction.Prefix}: {Reason.Code()}: {Detail}";
}

/// <summary>Decides which attractions are announced, from service health, drains and the uplink.</summary>
/// <remarks>
/// A service is in service when it is healthy, not drained, and the uplink is healthy. An attraction is
/// announced exactly when at least one service holding it is in service: a pool shared by nat44 and
/// nat64 stays while either serves. When nothing holds it, the reason names the strongest cause: the
/// uplink first (nothing can serve without it), then drains when every holder is drained, otherwise the
/// unhealthy services with what their checks said. Pure: same inputs, same decisions.
/// </remarks>
public static class AnnouncementPolicy
{
    /// <summary>Decides every catalog entry. A service missing from <paramref name="services"/> is not running and counts as down.</summary>
    public static IReadOnlyList<AttractionDecision> Decide(
        IReadOnlyList<CatalogEntry> catalog,
        IReadOnlyDictionary<Service, ServiceCondition> services,
        UplinkCondition uplink) =>
        catalog.Select(entry => Decide(entry, services, uplink)).ToList();

    private static AttractionDecision Decide(
        CatalogEntry entry,
        IReadOnlyDictionary<Service, ServiceCondition> services,
        UplinkCondition uplink)
    {
        var holders = entry.HeldBy.Select(service => (Service: service, Condition: services.GetValueOrDefault(service))).ToList();
        if (!uplink.Healthy)
        {
            return new AttractionDecision(entry, false, DecisionReason.UplinkDown, $"uplink down: {uplink.Reason}");
        }

        var serving = holders.Where(holder => holder.Condition is { Healthy: true, Drain: null }).Select(holder => holder.Service.Name()).ToList();
        if (serving.Count > 0)
        {
            return new AttractionDecision(entry, true, DecisionReason.InService, "held by " + string.Join(", ", serving));
        }

        if (holders.All(holder => holder.Condition?.Drain is not null))
        {
            var drains = holders.Select(holder => $"{holder.Service.Name()} drained by {holder.Condition!.Drain!.By}{Why(holder.Condition.Drain.Reason)}");
            return new AttractionDecision(entry, false, DecisionReason.Drained, string.Join("; ", drains));
        }

        var causes = holders.Select(holder => holder.Condition switch
        {
            null => $"{holder.Service.Name()} not running",
            { Drain: { } drain } => $"{holder.Service.Name()} drained by {drain.By}{Why(drain.Reason)}",
            { } condition => $"{holder.Service.Name()} down: {condition.HealthReason}",
        });
        return new AttractionDecision(entry, false, DecisionReason.ServiceDown, string.Join("; ", causes));
    }

    private static string Why(string? reason) => reason is null ? "" : $" ({reason})";
}
