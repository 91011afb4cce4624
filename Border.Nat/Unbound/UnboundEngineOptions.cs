namespace Border.Nat.Unbound;

/// <summary>How border drives the system's Unbound and checks its DNS64 answers.</summary>
public sealed record UnboundEngineOptions
{
    /// <summary>Unbound's main config; it must include <see cref="SnippetPath"/> and enable the control interface.</summary>
    /// <value>Defaults to <c>/etc/unbound/unbound.conf</c>.</value>
    public string ConfigPath { get; init; } = "/etc/unbound/unbound.conf";

    /// <summary>Where border writes its snippet; Debian's main config includes this folder.</summary>
    /// <value>Defaults to <c>/etc/unbound/unbound.conf.d/border-dns64.conf</c>.</value>
    public string SnippetPath { get; init; } = "/etc/unbound/unbound.conf.d/border-dns64.conf";

    /// <summary>An IPv4-only name the probe asks AAAA for; the answer must be synthesized in the NAT64 prefix.</summary>
    /// <value>Defaults to <c>ipv4only.arpa</c>, which has A records only (RFC 7050).</value>
    public string ProbeName { get; init; } = "ipv4only.arpa";

    /// <summary>How long the probe waits for each answer.</summary>
    /// <value>Defaults to 2 seconds.</value>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long apply waits for Unbound to answer on its control interface again after a reload.</summary>
    /// <value>Defaults to 5 seconds.</value>
    public TimeSpan ReloadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How this host starts Unbound, as an argument list; used when the listen addresses change, because
    /// Unbound opens its interfaces only when it starts, never on a reload.</summary>
    /// <value>Defaults to <c>/usr/bin/systemctl start unbound</c>.</value>
    public IReadOnlyList<string> StartCommand { get; init; } = ["/usr/bin/systemctl", "start", "unbound"];
}
