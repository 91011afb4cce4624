using System.Text.Json.Serialization;

namespace Border.App.Control;

/// <summary>A request on the control socket: one JSON object on one line.</summary>
/// <param name="Command">status, drain, undrain or reload.</param>
/// <param name="Services">For drain and undrain: the services, by name.</param>
/// <param name="Reason">For drain: why, in the operator's words.</param>
internal sealed record ControlRequest(string Command, IReadOnlyList<string>? Services = null, string? Reason = null);

/// <summary>The daemon's answer: <see cref="Ok"/> with a message and, for status, the report; or the error.</summary>
internal sealed record ControlResponse(bool Ok, string Message, StatusReport? Status = null)
{
    public static ControlResponse Failure(string error) => new(false, error);
}

/// <summary>Everything <c>border status</c> shows.</summary>
internal sealed record StatusReport(
    string Gateway,
    DateTimeOffset At,
    UplinkStatus Uplink,
    IReadOnlyList<ServiceStatus> Services,
    IReadOnlyList<AttractionStatus> Attractions);

internal sealed record UplinkStatus(bool Healthy, string Reason);

internal sealed record ServiceStatus(
    string Name,
    string Engine,
    string Health,
    string Reason,
    IReadOnlyList<CheckStatus> Checks,
    DrainStatus? Drain = null);

internal sealed record CheckStatus(string Name, bool Healthy, string Reason, DateTimeOffset At, double DurationMs);

internal sealed record DrainStatus(string By, DateTimeOffset At, string? Reason);

/// <param name="Announce">What the policy wants.</param>
/// <param name="Reason">The policy's reason code and its words.</param>
/// <param name="Speakers">Per speaker: whether it really holds the attraction now.</param>
internal sealed record AttractionStatus(
    string Protocol,
    string Prefix,
    bool Announce,
    string Reason,
    IReadOnlyDictionary<string, bool> Speakers);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlResponse))]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class ControlJson : JsonSerializerContext;
