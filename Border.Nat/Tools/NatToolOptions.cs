namespace Border.Nat.Tools;

/// <summary>Where the external tools border drives live, and how long one call may take.</summary>
/// <remarks>The defaults are the Debian paths of a production gateway; tests point them elsewhere or wrap them
/// so every call runs inside a network namespace.</remarks>
public sealed record NatToolOptions
{
    /// <summary>The <c>nft</c> binary.</summary>
    /// <value>Defaults to <c>/usr/sbin/nft</c>.</value>
    public string Nft { get; init; } = "/usr/sbin/nft";

    /// <summary>The iproute2 <c>ip</c> binary.</summary>
    /// <value>Defaults to <c>/usr/bin/ip</c>.</value>
    public string Ip { get; init; } = "/usr/bin/ip";

    /// <summary>The jool-tools <c>jool</c> binary.</summary>
    /// <value>Defaults to <c>/usr/bin/jool</c>.</value>
    public string Jool { get; init; } = "/usr/bin/jool";

    /// <summary>The kmod <c>modprobe</c> binary, which loads Jool's kernel module when it is not loaded.</summary>
    /// <value>Defaults to <c>/usr/sbin/modprobe</c>.</value>
    public string Modprobe { get; init; } = "/usr/sbin/modprobe";

    /// <summary>The <c>tayga</c> binary.</summary>
    /// <value>Defaults to <c>/usr/sbin/tayga</c>.</value>
    public string Tayga { get; init; } = "/usr/sbin/tayga";

    /// <summary>The <c>unbound</c> binary, which border runs as its child when asked to.</summary>
    /// <value>Defaults to <c>/usr/sbin/unbound</c>.</value>
    public string Unbound { get; init; } = "/usr/sbin/unbound";

    /// <summary>The <c>unbound-control</c> binary.</summary>
    /// <value>Defaults to <c>/usr/sbin/unbound-control</c>.</value>
    public string UnboundControl { get; init; } = "/usr/sbin/unbound-control";

    /// <summary>The <c>unbound-checkconf</c> binary.</summary>
    /// <value>Defaults to <c>/usr/sbin/unbound-checkconf</c>.</value>
    public string UnboundCheckconf { get; init; } = "/usr/sbin/unbound-checkconf";

    /// <summary>The iputils <c>ping</c> binary, for the NAT64 data-plane probe.</summary>
    /// <value>Defaults to <c>/usr/bin/ping</c>.</value>
    public string Ping { get; init; } = "/usr/bin/ping";

    /// <summary>How long one tool call may run before it is killed and counted as failed.</summary>
    /// <value>Defaults to 10 seconds.</value>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
