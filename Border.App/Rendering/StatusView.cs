using System.Globalization;
using System.Text;
using Border.App.Control;

namespace Border.App.Rendering;

/// <summary><c>border status</c> as an operator reads it: services, their checks, and every attraction per speaker.</summary>
internal static class StatusView
{
    public static string Render(StatusReport report)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"gateway {report.Gateway} at {Time(report.At)}; uplink {(report.Uplink.Healthy ? "up" : "DOWN")}: {report.Uplink.Reason}\n\n");
        text.Append(TextTable.Render(
            ["SERVICE", "ENGINE", "HEALTH", "DRAIN", "REASON"],
            report.Services.Select(service => (IReadOnlyList<string>)
            [
                service.Name,
                service.Engine,
                service.Health,
                service.Drain is { } drain ? $"drained by {drain.By} at {Time(drain.At)}{(drain.Reason is null ? "" : $" ({drain.Reason})")}" : "-",
                service.Reason,
            ])));
        text.Append('\n');
        text.Append(TextTable.Render(
            ["SERVICE", "CHECK", "RESULT", "AT", "TOOK", "REASON"],
            report.Services.SelectMany(service => service.Checks.Select(check => (IReadOnlyList<string>)
            [
                service.Name,
                check.Name,
                check.Healthy ? "pass" : "FAIL",
                Time(check.At),
                string.Create(CultureInfo.InvariantCulture, $"{check.DurationMs:0.0} ms"),
                check.Reason,
            ]))));
        text.Append('\n');
        var speakers = report.Attractions.SelectMany(attraction => attraction.Speakers.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        text.Append(TextTable.Render(
            ["PROTOCOL", "PREFIX", "WANTED", .. speakers.Select(speaker => speaker.ToUpperInvariant()), "REASON"],
            report.Attractions.Select(attraction => (IReadOnlyList<string>)
            [
                attraction.Protocol,
                attraction.Prefix,
                attraction.Announce ? "announce" : "withdraw",
                .. speakers.Select(speaker => attraction.Speakers.TryGetValue(speaker, out var held) ? (held ? "announced" : "withdrawn") : "-"),
                attraction.Reason,
            ])));
        return text.ToString();
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
