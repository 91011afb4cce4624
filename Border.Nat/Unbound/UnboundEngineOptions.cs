using Border.Nat.Processes;
using Border.Routing;

namespace Border.Nat.Unbound;

/// <summary>How border drives Unbound (the system's service, or its own child) and checks its DNS64 answers.</summary>
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
    public ValueList<string> StartCommand { get; init; } = ["/usr/bin/systemctl", "start", "unbound"];

    /// <summary>When set, border runs Unbound itself as its supervised child instead of driving the system's service:
    /// it writes the main config at <see cref="ConfigPath"/> and <see cref="StartCommand"/> is not used.</summary>
    /// <value>Defaults to none: the system's service, as on a gateway where systemd runs Unbound.</value>
    public UnboundChildOptions? Child { get; init; }
}

/// <summary>Unbound as border's child: for hosts without a service manager, and for several resolvers on one host
/// (a lab), each with its own paths.</summary>
/// <remarks>border renders Unbound's main config (no chroot, no privilege drop, no daemonizing, the log on stderr,
/// the control interface on <see cref="ControlSocket"/>, border's snippet included), runs <c>unbound -d -p</c>
/// with it, learns of its exit from the wait and restarts it with a backoff.</remarks>
public sealed record UnboundChildOptions
{
    /// <summary>The Unix socket of Unbound's control interface, which <c>unbound-control</c> uses.</summary>
    /// <value>Defaults to <c>/run/border/unbound.ctl</c>.</value>
    public string ControlSocket { get; init; } = "/run/border/unbound.ctl";

    /// <summary>How a dead Unbound is started again.</summary>
    /// <value>Defaults to <see cref="ChildRestartOptions"/>' defaults.</value>
    public ChildRestartOptions Restart { get; init; } = new();
}
