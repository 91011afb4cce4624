using System.Net;
using Border.Nat.Anycast;
using Border.Nat.Processes;
using Border.Nat.Tayga;
using Border.Nat.Unbound;
using Border.Routing.Processes;

namespace Border.Tests.Integration.Nat;

/// <summary>The DNS64 and NAT64 parts of the lab: the test zone's server on the Internet side, an Unbound resolver
/// in the gateway standing in for the system service, and the engines border would build for them.</summary>
/// <remarks>The test zone is under <c>example.</c>: Unbound blocks <c>test.</c> by default, and its dns64 module
/// synthesizes only from answers it got by forwarding, so the zone lives in a second Unbound on the Internet side.</remarks>
internal static class Dns64Lab
{
    public const string Ipv4OnlyName = "v4only.example";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    public static UnboundOptions Resolver => new()
    {
        ListenAddresses = [IPAddress.Parse(NatLab.AnycastV4), IPAddress.Parse(NatLab.AnycastV6)],
        Dns64Prefix = IPNetwork.Parse(NatLab.Nat64Prefix),
        AllowedClients = [IPNetwork.Parse("198.51.100.0/25"), IPNetwork.Parse("2001:db8:d78:500::/56")],
        Zones = [new UnboundZone("example.", UnboundZoneKind.Forward, [IPAddress.Parse(NatLab.ServerV4)])],
    };

    public static TaygaOptions Tayga(NatLab lab) => new()
    {
        Prefix = IPNetwork.Parse(NatLab.Nat64Prefix),
        Ipv4Address = IPAddress.Parse("198.51.100.193"),
        DynamicPool = IPNetwork.Parse(NatLab.TaygaPool),
        DataDirectory = Path.Combine(lab.Directory, "tayga"),
    };

    public static UnboundEngineOptions ResolverEngine(NatLab lab) => new()
    {
        ConfigPath = Path.Combine(lab.Directory, "resolver.conf"),
        SnippetPath = Path.Combine(lab.Directory, "resolver.conf.d", "border-dns64.conf"),
        ProbeName = Ipv4OnlyName,
        ProbeTimeout = TimeSpan.FromSeconds(2),
        StartCommand = ["/usr/sbin/unbound", "-c", Path.Combine(lab.Directory, "resolver.conf")],
    };

    /// <summary>Starts the test zone's server on the Internet side: A records only.</summary>
    public static async Task StartZoneServerAsync(NatLab lab)
    {
        var config = Path.Combine(lab.Directory, "zone.conf");
        await File.WriteAllTextAsync(config, $"""
            server:
            	{Common(lab, "zone")}
            	do-daemonize: no
            	interface: {NatLab.ServerV4}
            	access-control: 203.0.113.0/24 allow
            	local-zone: "example." static
            	local-data: "{Ipv4OnlyName}. 300 IN A {NatLab.ServerV4}"
            """);
        lab.Internet.Start("unbound", "-d", "-c", config);
        Assert.True(
            await Waiting.UntilAsync(async () => (await lab.Internet.RunAsync("dig", "+short", "+time=1", "+tries=1", $"@{NatLab.ServerV4}", "A", Ipv4OnlyName)).StandardOutput.Trim() == NatLab.ServerV4, StartTimeout),
            "the test zone's server did not answer");
    }

    /// <summary>Starts the gateway's resolver as the system service would run: a daemon whose main config includes
    /// border's snippet folder and a local control socket. The namespace ends it when the test disposes the lab.</summary>
    public static async Task StartResolverAsync(NatLab lab)
    {
        var options = ResolverEngine(lab);
        Directory.CreateDirectory(Path.GetDirectoryName(options.SnippetPath)!);
        await File.WriteAllTextAsync(options.ConfigPath, $"""
            server:
            	{Common(lab, "resolver")}
            	do-daemonize: yes
            include-toplevel: "{Path.GetDirectoryName(options.SnippetPath)}/*.conf"
            remote-control:
            	control-enable: yes
            	control-use-cert: no
            	control-interface: "{Path.Combine(lab.Directory, "resolver.ctl")}"
            """);
        await lab.Gateway.RunCheckedAsync("unbound", "-c", options.ConfigPath);
        Assert.True(
            await Waiting.UntilAsync(async () => (await lab.Gateway.RunAsync("unbound-control", "-c", options.ConfigPath, "status")).Succeeded, StartTimeout),
            "the gateway's resolver did not come up");
    }

    /// <summary>Kills the gateway's resolver by the PID it wrote, and waits until it no longer answers.</summary>
    public static async Task KillResolverAsync(NatLab lab)
    {
        var pid = (await File.ReadAllTextAsync(Path.Combine(lab.Directory, "resolver.pid"))).Trim();
        await NetworkNamespace.Runner.RunCheckedAsync("kill", ["-KILL", pid], StartTimeout);
        Assert.True(
            await Waiting.UntilAsync(async () => !(await lab.Gateway.RunAsync("unbound-control", "-c", ResolverEngine(lab).ConfigPath, "status")).Succeeded, StartTimeout),
            "the gateway's resolver did not stop");
    }

    public static UnboundEngine ResolverEngine(NatLab lab, UnboundOptions options) =>
        lab.Engines.Unbound(options, ResolverEngine(lab), new AnycastOptions());

    public static TaygaEngine TaygaEngine(NatLab lab, TimeSpan? firstRestartDelay = null) =>
        lab.Engines.Tayga(
            Tayga(lab),
            new TaygaEngineOptions
            {
                ConfigPath = Path.Combine(lab.Directory, "tayga.conf"),
                Restart = new ChildRestartOptions { FirstDelay = firstRestartDelay ?? TimeSpan.FromMilliseconds(100) },
                ProbeTarget = IPAddress.Parse(NatLab.ServerV4),
            });

    public static void RequireTools()
    {
        Requires.Tool("/usr/sbin/nft", "nftables");
        Requires.Tool("/usr/sbin/tayga", "tayga");
        Requires.Tool("/usr/sbin/unbound", "unbound");
        Requires.Tool("/usr/sbin/unbound-control", "unbound");
        Requires.Tool("/usr/bin/dig", "dnsutils");
        Requires.Tool("/usr/bin/ncat", "ncat");
        Requires.Tool("/usr/bin/ping", "iputils-ping");
    }

    private static string Common(NatLab lab, string name) => $"""
        directory: "{lab.Directory}"
        	chroot: ""
        	username: ""
        	pidfile: "{Path.Combine(lab.Directory, name + ".pid")}"
        	use-syslog: no
        	logfile: ""
        	num-threads: 1
        """;
}
