using System.Net;
using Border.Nat;
using Border.Nat.Nftables;
using Border.Nat.Tools;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Integration.Nat;

/// <summary>The NAT lab of DESIGN's address plan: a gateway between an IPv6-only client, a dual-stack inside host and
/// the Internet side, where an IPv4-only server also serves the test zone.</summary>
/// <remarks>
/// <code>
///  c6 (2001:db8:d78:50b::10) --in6-- gw --up0-- inet (203.0.113.2, 2001:db8:ff::2)
///  h4 (198.51.100.10, 2001:db8:d78:50c::10) --in4--/
/// </code>
/// The Internet side routes the gateway's pools and the site's IPv4 prefix back to it, so a dropped unsolicited
/// connection is the forward filter's doing and not a missing route.
/// </remarks>
internal sealed class NatLab : IAsyncDisposable
{
    public const string Nat64Prefix = "2001:db8:d78:564::/96";
    public const string ServerV4 = "203.0.113.2";
    public const string ServerV6 = "2001:db8:ff::2";
    public const string InsideHostV4 = "198.51.100.10";
    public const string InsideHostV6 = "2001:db8:d78:50c::10";
    public const string ClientV6 = "2001:db8:d78:50b::10";
    public const string TaygaPool = "198.51.100.192/27";
    public const string Pool4 = "192.0.2.0/30";
    public const string Pool6 = "2001:db8:d78::3:0:0/125";
    public const string AnycastV4 = "198.51.100.53";
    public const string AnycastV6 = "2001:db8:d78:500::1:0";

    /// <summary>The server's IPv4 address inside the NAT64 prefix, as DNS64 synthesizes it (203.0.113.2 is cb00:7102).</summary>
    public const string ServerViaNat64 = "2001:db8:d78:564::cb00:7102";

    private readonly List<NetworkNamespace> spaces;

    private NatLab(NetworkNamespace gateway, NetworkNamespace client6, NetworkNamespace insideHost, NetworkNamespace internet, string directory)
    {
        Gateway = gateway;
        Client6 = client6;
        InsideHost = insideHost;
        Internet = internet;
        Directory = directory;
        spaces = [gateway, client6, insideHost, internet];
        Tools = new NatToolOptions { CommandTimeout = TimeSpan.FromSeconds(10) };
        Engines = new NatEngineFactory(
            Tools,
            new NamespacedCommandRunner(gateway.Name),
            new NamespacedProcessLauncher(gateway.Name),
            new NamespacedSocketFactory(gateway.Name),
            TimeProvider.System,
            NullLoggerFactory.Instance);
    }

    public NetworkNamespace Gateway { get; }

    public NetworkNamespace Client6 { get; }

    public NetworkNamespace InsideHost { get; }

    public NetworkNamespace Internet { get; }

    /// <summary>A folder of the test's own for the config files the engines write.</summary>
    public string Directory { get; }

    public NatToolOptions Tools { get; }

    /// <summary>Builds engines exactly as production does, with every command and socket inside the gateway.</summary>
    public NatEngineFactory Engines { get; }

    public static async Task<NatLab> CreateAsync()
    {
        var gateway = await NetworkNamespace.CreateAsync("gw");
        var client6 = await NetworkNamespace.CreateAsync("c6");
        var insideHost = await NetworkNamespace.CreateAsync("h4");
        var internet = await NetworkNamespace.CreateAsync("inet");
        var directory = System.IO.Directory.CreateTempSubdirectory("border-nat-lab-").FullName;
        var lab = new NatLab(gateway, client6, insideHost, internet, directory);
        try
        {
            await lab.WireAsync();
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }

        return lab;
    }

    /// <summary>border's table for this lab: NAT44 and NAT66 for the inside host, NAT64 through Tayga's tun.</summary>
    public static NftablesOptions Nftables(string tun) => new()
    {
        UplinkInterface = "up0",
        Forwards =
        [
            new ForwardRule("nat44", "in4", "up0", [IPNetwork.Parse("198.51.100.0/25")]),
            new ForwardRule("nat66", "in4", "up0", [IPNetwork.Parse("2001:db8:d78:500::/56")]),
            new ForwardRule("nat64", "in6", tun, [IPNetwork.Parse("2001:db8:d78:500::/56")], IPNetwork.Parse(Nat64Prefix)),
            new ForwardRule("nat64", tun, "up0", [IPNetwork.Parse(TaygaPool)]),
        ],
        SourceNats =
        [
            new SourceNat("nat44", [IPNetwork.Parse("198.51.100.0/25")], IPNetwork.Parse(Pool4)),
            new SourceNat("nat66", [IPNetwork.Parse("2001:db8:d78:500::/56")], IPNetwork.Parse(Pool6)),
            new SourceNat("nat64", [IPNetwork.Parse(TaygaPool)], IPNetwork.Parse(Pool4)),
        ],
    };

    /// <summary>The nftables engine for this lab's table, with Tayga's tun named <c>nat64</c>.</summary>
    public NftablesEngine NftablesEngine() => Engines.Nftables(Nftables("nat64"));

    /// <summary>Starts a TCP server on the Internet side that tells each client the source address it saw.</summary>
    /// <remarks>ncat runs <c>env</c> for each connection, with NCAT_REMOTE_ADDR set: no shell is involved.</remarks>
    public void StartAddressEchoServer(int port) =>
        Internet.Start("ncat", "--listen", "--keep-open", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--exec", "/usr/bin/env");

    /// <summary>The source address the echo server saw, from a connection made inside <paramref name="from"/>.</summary>
    public static async Task<string?> SeenSourceAsync(NetworkNamespace from, string server, int port)
    {
        var result = await from.RunAsync("ncat", "--recv-only", "--wait", "3", server, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return result.StandardOutput.Split('\n')
            .FirstOrDefault(line => line.StartsWith("NCAT_REMOTE_ADDR=", StringComparison.Ordinal))?["NCAT_REMOTE_ADDR=".Length..];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var space in spaces)
        {
            await space.DisposeAsync();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task WireAsync()
    {
        await NetworkNamespace.ConnectAsync(Gateway, "in6", Client6, "eth0");
        await NetworkNamespace.ConnectAsync(Gateway, "in4", InsideHost, "eth0");
        await NetworkNamespace.ConnectAsync(Gateway, "up0", Internet, "eth0");
        await Gateway.EnableForwardingAsync();

        await Gateway.AddAddressAsync("in6", "2001:db8:d78:50b::1/64");
        await Client6.AddAddressAsync("eth0", ClientV6 + "/64");
        await Client6.AddRouteAsync("::/0", "2001:db8:d78:50b::1");

        await Gateway.AddAddressAsync("in4", "198.51.100.1/25");
        await Gateway.AddAddressAsync("in4", "2001:db8:d78:50c::1/64");
        await InsideHost.AddAddressAsync("eth0", InsideHostV4 + "/25");
        await InsideHost.AddAddressAsync("eth0", InsideHostV6 + "/64");
        await InsideHost.AddRouteAsync("0.0.0.0/0", "198.51.100.1");
        await InsideHost.AddRouteAsync("::/0", "2001:db8:d78:50c::1");

        await Gateway.AddAddressAsync("up0", "203.0.113.1/24");
        await Gateway.AddAddressAsync("up0", "2001:db8:ff::1/64");
        await Internet.AddAddressAsync("eth0", ServerV4 + "/24");
        await Internet.AddAddressAsync("eth0", ServerV6 + "/64");
        await Internet.AddRouteAsync(Pool4, "203.0.113.1");
        await Internet.AddRouteAsync("198.51.100.0/25", "203.0.113.1");
        await Internet.AddRouteAsync(Pool6, "2001:db8:ff::1");
    }
}
