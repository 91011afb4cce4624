using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Border.Routing;
using Border.Routing.Processes;
using Border.Routing.Speakers.Frr;
using Border.Routing.Speakers.Gobgp;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Integration.Routing;

/// <summary>The routing lab shared by the routing integration tests: a site core, a gateway and an upstream.</summary>
/// <remarks>
/// core (FRR ospfd/ospf6d) -- gw (FRR zebra/staticd/ospfd/ospf6d/bgpd, gobgpd) -- upstream (FRR bgpd, AS 64500, sends a default).
/// The gateway speaks BGP twice, so both speakers are judged by the same upstream: gobgpd from 203.0.113.2 (it only
/// connects out), bgpd from 203.0.113.3 (listening there only).
/// gobgpd serves its API on a Unix socket in the lab directory: the test process reaches it from the root
/// namespace through the file system, and no address outside the namespaces is ever bound.
/// The upstream does not help graceful restart, so a restarted gateway speaker's routes leave its table at once
/// instead of lingering as stale: the restart tests must see the loss that reconcile repairs.
/// The gateway's own default is the one its bgpd learns from the upstream, the anycast addresses sit on its
/// loopback and the NAT64 /96 is a kernel route, as a translator's tun route would be.
/// </remarks>
public sealed class RoutingLab : IAsyncLifetime
{
    public const string UpstreamAddress = "203.0.113.1";
    public const string GobgpdAddress = "203.0.113.2";
    public const string BgpdAddress = "203.0.113.3";
    public const string InternetHost = "203.0.113.200";
    public const string GatewayRouterId = "198.51.100.98";
    private static int counter;
    private readonly List<NetworkNamespace> namespaces = [];
    private Process? gobgpd;

    internal NetworkNamespace Core { get; private set; } = null!;

    internal NetworkNamespace Gateway { get; private set; } = null!;

    internal NetworkNamespace Upstream { get; private set; } = null!;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"border-routing-{Environment.ProcessId}-{Interlocked.Increment(ref counter)}");

    public string GobgpEndpoint => $"unix://{Path.Combine(Directory, "gobgpd.sock")}";

    internal string VtyDirectory(NetworkNamespace ns) => Path.Combine(Directory, ns == Core ? "core" : ns == Gateway ? "gw" : "up");

    public async ValueTask InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/lib/frr/zebra") || !File.Exists("/usr/bin/gobgpd"))
        {
            // The tests themselves skip or fail with the reason; the lab stays unbuilt.
            return;
        }

        System.IO.Directory.CreateDirectory(Directory);
        Core = await Add("core");
        Gateway = await Add("gw");
        Upstream = await Add("up");
        await NetworkNamespace.ConnectAsync(Core, "c-gw", Gateway, "g-core");
        await NetworkNamespace.ConnectAsync(Gateway, "g-up", Upstream, "u-gw");
        await Core.AddAddressAsync("c-gw", "198.51.100.97/30");
        await Gateway.AddAddressAsync("g-core", "198.51.100.98/30");
        await Core.AddAddressAsync("c-gw", "2001:db8:d78:5f0::1/64");
        await Gateway.AddAddressAsync("g-core", "2001:db8:d78:5f0::2/64");
        await Gateway.AddAddressAsync("g-up", GobgpdAddress + "/29");
        await Gateway.AddAddressAsync("g-up", BgpdAddress + "/29");
        await Upstream.AddAddressAsync("u-gw", "203.0.113.1/29");
        await Upstream.AddAddressAsync("lo", InternetHost + "/32");
        await Gateway.AddAddressAsync("lo", "198.51.100.53/32");
        await Gateway.AddAddressAsync("lo", "2001:db8:d78:500::1:0/128");
        await Gateway.RunCheckedAsync("ip", "-6", "route", "add", "2001:db8:d78:564::/96", "dev", "lo");
        await Gateway.EnableForwardingAsync();

        await StartFrrAsync(Core, CoreConfig, "zebra", "ospfd", "ospf6d");
        await StartFrrAsync(Gateway, GatewayConfig, "zebra", "staticd", "ospfd", "ospf6d", "bgpd");
        await StartFrrAsync(Upstream, UpstreamConfig, "zebra", "bgpd");
        await File.WriteAllTextAsync(Path.Combine(Directory, "gobgpd.toml"), GobgpConfig);
        StartGobgpd();
        await WaitUntilAsync(
            async () => (await VtyshAsync(Core, "show ip ospf neighbor json")).Contains("Full", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            "OSPF adjacency core-gw");
    }

    public async ValueTask DisposeAsync()
    {
        if (gobgpd is not null)
        {
            gobgpd.Kill();
            await gobgpd.WaitForExitAsync();
        }

        foreach (var ns in namespaces)
        {
            await ns.DisposeAsync();
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    internal GrpcGobgpClient NewGobgpClient() =>
        new(new GobgpOptions { Endpoint = GobgpEndpoint, CallTimeout = TimeSpan.FromSeconds(2) }, TimeProvider.System, NullLogger<GrpcGobgpClient>.Instance);

    internal IFrrTransport GatewayFrr() =>
        new VtyshTransport(new FrrOptions { VtySocketDirectory = VtyDirectory(Gateway) }, NetworkNamespace.Runner);

    /// <summary>Ends gobgpd (losing every path it held) and starts it again with the same configuration.</summary>
    public async Task RestartGobgpdAsync()
    {
        gobgpd!.Kill();
        await gobgpd.WaitForExitAsync();
        File.Delete(GobgpEndpoint["unix://".Length..]);
        StartGobgpd();
    }

    /// <summary>Ends gateway FRR daemons by their pid files, runs <paramref name="whileStopped"/> (waiting for the
    /// neighbours to notice), and starts them again from the lab's file, which holds none of border's changes.</summary>
    public async Task RestartGatewayFrrAsync(Func<Task> whileStopped, params string[] daemons)
    {
        foreach (var daemon in daemons)
        {
            var pidFile = Path.Combine(VtyDirectory(Gateway), daemon + ".pid");
            var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            await NetworkNamespace.Runner.RunCheckedAsync("kill", ["-9", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
            await WaitUntilAsync(() => Task.FromResult(!IsRunning(pid)), TimeSpan.FromSeconds(10), $"{daemon} {pid} to end");
            File.Delete(pidFile);
        }

        await whileStopped();
        await StartFrrAsync(Gateway, null, daemons);
    }

    /// <summary>The upstream's paths for a prefix: who sent each, and its communities.</summary>
    internal async Task<IReadOnlyList<(string Peer, string Communities)>> UpstreamPathsAsync(string afi, IPNetwork prefix)
    {
        var route = await VtyshJsonAsync(Upstream, $"show bgp {afi} unicast {prefix} json");
        if (!route.TryGetProperty("paths", out var paths))
        {
            return [];
        }

        return [.. paths.EnumerateArray().Select(path => (
            path.GetProperty("peer").GetProperty("peerId").GetString()!,
            path.TryGetProperty("community", out var community) ? community.GetProperty("string").GetString()! : ""))];
    }

    /// <summary>Waits until the upstream has (or no longer has) a path for the prefix from the given gateway address.</summary>
    internal Task WaitForUpstreamAsync(string afi, IPNetwork prefix, string from, bool present) =>
        WaitUntilAsync(
            async () => (await UpstreamPathsAsync(afi, prefix)).Any(path => path.Peer == from) == present,
            TimeSpan.FromSeconds(20),
            $"{prefix} from {from} {(present ? "in" : "gone from")} upstream's BGP table");

    /// <summary>The gateway's own default, learnt over eBGP from the upstream, is installed and carries its traffic.</summary>
    internal async Task AssertGatewayDefaultWorksAsync()
    {
        await WaitUntilAsync(
            async () => (await Gateway.RunCheckedAsync("ip", "route", "show", "default")).StandardOutput.Contains("proto bgp", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            "the gateway's default learnt from upstream");
        var route = await Gateway.RunCheckedAsync("ip", "route", "get", InternetHost);
        Assert.Contains($"via {UpstreamAddress}", route.StandardOutput, StringComparison.Ordinal);
        var ping = await Gateway.RunAsync("ping", "-c", "1", "-W", "2", InternetHost);
        Assert.True(ping.Succeeded, ping.StandardOutput + ping.StandardError);
    }

    /// <summary>Shuts or reopens the upstream's side of a session.</summary>
    internal Task ConfigureUpstreamAsync(string line) =>
        NetworkNamespace.Runner.RunCheckedAsync(
            "/usr/bin/vtysh",
            ["--vty_socket", VtyDirectory(Upstream), "-c", "configure terminal", "-c", "router bgp 64500", "-c", line],
            TimeSpan.FromSeconds(10));

    internal async Task<string> VtyshAsync(NetworkNamespace ns, string command)
    {
        var result = await NetworkNamespace.Runner.RunCheckedAsync(
            "/usr/bin/vtysh", ["--vty_socket", VtyDirectory(ns), "-c", command], TimeSpan.FromSeconds(10));
        return result.StandardOutput;
    }

    internal async Task<JsonElement> VtyshJsonAsync(NetworkNamespace ns, string command)
    {
        var text = await VtyshAsync(ns, command);
        using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text);
        return document.RootElement.Clone();
    }

    /// <summary>Polls until the condition holds or the timeout passes; fails the test with what it waited for.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
    }

    // The zombie reaper here is slow: a killed daemon that is not our child is gone when /proc says it is dead.
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        var text = File.ReadAllText(stat);
        var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
        return state is not ("Z" or "X");
    }

    private void StartGobgpd() =>
        gobgpd = Gateway.Start(
            "/usr/bin/gobgpd",
            "-f", Path.Combine(Directory, "gobgpd.toml"),
            "--api-hosts", GobgpEndpoint,
            "--pprof-disable",
            "-p");

    private async Task<NetworkNamespace> Add(string role)
    {
        var ns = await NetworkNamespace.CreateAsync(role);
        namespaces.Add(ns);
        return ns;
    }

    private async Task StartFrrAsync(NetworkNamespace ns, string? config, params string[] daemons)
    {
        var vty = VtyDirectory(ns);
        var configFile = Path.Combine(Directory, Path.GetFileName(vty) + ".conf");
        if (config is not null)
        {
            System.IO.Directory.CreateDirectory(vty);
            await File.WriteAllTextAsync(configFile, config);
            await NetworkNamespace.Runner.RunCheckedAsync("chown", ["frr:frr", vty], TimeSpan.FromSeconds(5));
        }

        foreach (var daemon in daemons)
        {
            // The gateway's bgpd listens only on its own address, so the upstream never reaches it through gobgpd's.
            string[] listen = daemon == "bgpd" && ns == Gateway ? ["-l", BgpdAddress] : [];
            await ns.RunCheckedAsync(
                "/usr/lib/frr/" + daemon,
                ["-d", "-N", ns.Name, "-f", configFile, "-i", Path.Combine(vty, daemon + ".pid"), "--vty_socket", vty, "-z", Path.Combine(vty, "zserv.api"), .. listen]);
        }
    }

    /// <summary>As lab/common.sh's ospf_if and the Ansible role: a 1 s retransmit interval resends an LSA the
    /// neighbour dropped for arriving within 1 s of the one before (MinLSArrival) after 1 s, not 5.</summary>
    private const string OspfInterface = """
         ip ospf hello-interval 1
         ip ospf dead-interval 3
         ip ospf retransmit-interval 1
         ip ospf network point-to-point
         ipv6 ospf6 hello-interval 1
         ipv6 ospf6 dead-interval 3
         ipv6 ospf6 retransmit-interval 1
         ipv6 ospf6 network point-to-point
         ipv6 ospf6 area 0
        """;

    private static string OspfRouter(string routerId) => $"""
        router ospf
         ospf router-id {routerId}
         network 198.51.100.96/30 area 0
        router ospf6
         ospf6 router-id {routerId}
        """;

    private static readonly string CoreConfig = $"""
        frr defaults traditional
        hostname core
        interface c-gw
        {OspfInterface}
        {OspfRouter("198.51.100.97")}
        """;

    private static readonly string GatewayConfig = $"""
        frr defaults traditional
        hostname gw
        interface g-core
        {OspfInterface}
        {OspfRouter(GatewayRouterId)}
        router bgp 64513
         bgp router-id 203.0.113.3
         no bgp ebgp-requires-policy
         neighbor 203.0.113.1 remote-as 64500
         neighbor 203.0.113.1 update-source 203.0.113.3
         neighbor 203.0.113.1 advertisement-interval 0
         neighbor 203.0.113.1 timers connect 1
         address-family ipv6 unicast
          neighbor 203.0.113.1 activate
         exit-address-family
        """;

    private const string UpstreamConfig = """
        frr defaults traditional
        hostname up
        router bgp 64500
         bgp router-id 203.0.113.1
         bgp graceful-restart-disable
         no bgp ebgp-requires-policy
         neighbor 203.0.113.2 remote-as 64513
         neighbor 203.0.113.2 advertisement-interval 0
         neighbor 203.0.113.2 timers connect 1
         neighbor 203.0.113.3 remote-as 64513
         neighbor 203.0.113.3 advertisement-interval 0
         neighbor 203.0.113.3 timers connect 1
         address-family ipv4 unicast
          neighbor 203.0.113.2 default-originate
          neighbor 203.0.113.3 default-originate
         exit-address-family
         address-family ipv6 unicast
          neighbor 203.0.113.2 activate
          neighbor 203.0.113.3 activate
         exit-address-family
        """;

    private const string GobgpConfig = """
        [global.config]
          as = 64513
          router-id = "203.0.113.2"
          port = -1
        [[neighbors]]
          [neighbors.config]
            neighbor-address = "203.0.113.1"
            peer-as = 64500
          [neighbors.transport.config]
            local-address = "203.0.113.2"
          [neighbors.timers.config]
            connect-retry = 1
          [[neighbors.afi-safis]]
            [neighbors.afi-safis.config]
              afi-safi-name = "ipv4-unicast"
          [[neighbors.afi-safis]]
            [neighbors.afi-safis.config]
              afi-safi-name = "ipv6-unicast"
        """;
}

[CollectionDefinition(Name)]
public sealed class RoutingLabCollection : ICollectionFixture<RoutingLab>
{
    public const string Name = "routing-lab";
}
