namespace Border.Routing.Speakers.Frr;

/// <summary>How border talks to FRR: show commands that answer JSON, and configuration changes.</summary>
/// <remarks>vtysh today (Debian's FRR has no gRPC northbound module); FRR's northbound gRPC can implement this
/// for builds that have it without touching the speakers.</remarks>
internal interface IFrrTransport
{
    /// <summary>Runs a show command that ends in <c>json</c> and returns FRR's answer.</summary>
    Task<string> ShowJsonAsync(string command, CancellationToken cancellationToken);

    /// <summary>Runs several show commands that end in <c>json</c> in one session and returns each one's answer, in
    /// order; each must be served by one daemon, so that it answers with exactly one JSON document.</summary>
    Task<IReadOnlyList<string>> ShowJsonEachAsync(IReadOnlyList<string> commands, CancellationToken cancellationToken);

    /// <summary>Applies configuration lines in one session, in order; throws when FRR refuses any of them.</summary>
    Task ConfigureAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken);
}
