using System.Diagnostics;
using System.Globalization;
using Border.Routing.Processes;

namespace Border.Tests.Integration.Supervisor;

/// <summary>The whole lab of DESIGN.md, brought up by <c>lab/up.sh</c> with the test build's <c>border</c> on gw1
/// and gw2, and taken down by <c>lab/down.sh</c>: the tests judge the same lab an operator runs.</summary>
/// <remarks>The environment variable BORDER_LAB names the lab (lab/common.sh), so that a test run can go on beside
/// a lab an operator has up, or beside another test run.</remarks>
public sealed class SupervisorLab : IAsyncLifetime
{
    public const string Nat64Prefix = "2001:db8:d78:564::/96";
    public const string AnycastIpv4 = "198.51.100.53/32";
    public const string AnycastIpv6 = "2001:db8:d78:500::1:0/128";

    /// <summary>The IPv4-only server's name in the test zone inet serves (A records only).</summary>
    public const string ServerName = "server.example";
    public const string ServerIpv4 = "203.0.113.10";
    public static readonly string Name = Environment.GetEnvironmentVariable("BORDER_LAB") is { Length: > 0 } name ? name : "bl";
    public static readonly string Root = Name == "bl" ? "/run/border-lab" : $"/run/border-lab-{Name}";
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(180);
    private bool broughtUp;

    /// <summary>Why the lab could not be built, or <see langword="null"/> when it is up.</summary>
    public string? Unavailable { get; private set; }

    public string Border { get; } = Path.Combine(AppContext.BaseDirectory, "border");

    public async ValueTask InitializeAsync()
    {
        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/lib/frr/zebra") || !File.Exists("/usr/bin/gobgpd") || !File.Exists("/usr/sbin/tayga")
            || !File.Exists("/usr/sbin/unbound") || !File.Exists("/usr/bin/ncat"))
        {
            Unavailable = "needs root, FRR, gobgpd, tayga, unbound and ncat";
            return;
        }

        if (Directory.Exists(Path.Combine(Root, "gw1")))
        {
            Unavailable = $"a lab is already up ({Root}); lab/down.sh first";
            return;
        }

        broughtUp = true;
        var result = await RunLabScriptAsync("up.sh");
        Unavailable = result.Succeeded ? null : $"lab/up.sh failed: {result.StandardOutput}{result.StandardError}";
    }

    /// <summary>Takes the lab down and fails the run when lab/down.sh failed or a process is left in one of the
    /// lab's namespaces after it (which lab/down.sh should have found, and a leftover is a bug either way).</summary>
    public async ValueTask DisposeAsync()
    {
        // Only a lab this fixture brought up is taken down: one found already up belongs to someone else.
        if (broughtUp && Directory.Exists(Path.Combine(Root, "gw1")))
        {
            var namespaces = await NamespaceProcesses.OfLabAsync(Name);
            var down = await RunLabScriptAsync("down.sh");
            var left = namespaces.Find();
            foreach (var process in left)
            {
                await NetworkNamespace.Runner.RunAsync("kill", ["-KILL", process.Pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
            }

            if (!down.Succeeded || left.Count > 0)
            {
                throw new InvalidOperationException(
                    $"lab/down.sh exited {down.ExitCode}: {down.StandardOutput}{down.StandardError}; left in the lab's namespaces after it (killed now): [{string.Join("; ", left)}]");
            }
        }
    }

    /// <summary>The gateways core has a route to the prefix through, by the interface towards each.</summary>
    public async Task<IReadOnlySet<string>> CorePathsAsync(string prefix)
    {
        var family = prefix.Contains(':', StringComparison.Ordinal) ? "-6" : "-4";
        var routes = await InNamespaceAsync("core", "ip", family, "route", "show", prefix);
        return routes.StandardOutput.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Where(word => word is "gw1" or "gw2").ToHashSet();
    }

    /// <summary>Whether upstream has a BGP path for the prefix from the gateway's address.</summary>
    public async Task<bool> UpstreamHasAsync(string prefix, string from)
    {
        var result = await NetworkNamespace.Runner.RunAsync("/usr/bin/vtysh", ["--vty_socket", Path.Combine(Root, "upstream", "frr"), "-c", $"show bgp ipv4 unicast {prefix}"], TimeSpan.FromSeconds(10));
        return result.StandardOutput.Contains($"{from} from {from}", StringComparison.Ordinal);
    }

    public Task<CommandResult> UpstreamConfigureAsync(string line) =>
        NetworkNamespace.Runner.RunCheckedAsync("/usr/bin/vtysh", ["--vty_socket", Path.Combine(Root, "upstream", "frr"), "-c", "configure terminal", "-c", "router bgp 64500", "-c", line], TimeSpan.FromSeconds(10));

    public Task<CommandResult> InNamespaceAsync(string name, string program, params string[] arguments) =>
        NetworkNamespace.Runner.RunAsync("ip", ["netns", "exec", $"{Name}-{name}", program, .. arguments], TimeSpan.FromSeconds(15));

    public Task<CommandResult> BorderCliAsync(string gateway, params string[] arguments) =>
        InNamespaceAsync(gateway, Border, [.. arguments, "--socket", Path.Combine(Root, gateway, "control.sock")]);

    public Task<CommandResult> LabBorderAsync(string verb, string gateway) =>
        NetworkNamespace.Runner.RunCheckedAsync("env", [$"BORDER={Border}", $"LAB={Name}", Path.Combine(TestPaths.RepositoryRoot, "lab", "border.sh"), verb, gateway], TimeSpan.FromSeconds(130));

    public int BorderPid(string gateway) => int.Parse(File.ReadAllText(Path.Combine(Root, gateway, "border.pid")).Trim(), CultureInfo.InvariantCulture);

    /// <summary>The tayga border supervises on the gateway (border's child), or <see langword="null"/> while border waits to restart it.</summary>
    public int? TaygaPid(string gateway) => ChildPid(gateway, "tayga");

    /// <summary>The unbound border runs as its child on the gateway, or <see langword="null"/> while border waits to restart it.</summary>
    public int? UnboundPid(string gateway) => ChildPid(gateway, "unbound");

    /// <summary>A live child of border on the gateway running <paramref name="program"/>, judged by /proc (PID 1 reaps slowly).</summary>
    public int? ChildPid(string gateway, string program)
    {
        var border = BorderPid(gateway);
        foreach (var stat in Directory.GetDirectories("/proc").Select(directory => Path.Combine(directory, "stat")).Where(File.Exists))
        {
            string text;
            try
            {
                text = File.ReadAllText(stat);
            }
            catch (IOException)
            {
                continue;
            }

            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            if (text.Contains($"({program})", StringComparison.Ordinal) && fields[0] is not ("Z" or "X") && fields[1] == border.ToString(CultureInfo.InvariantCulture))
            {
                return int.Parse(text[..text.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Asks c6's resolver (the anycast address, from c6's resolv.conf) for the server's AAAA; the addresses
    /// it answered, none when it did not answer.</summary>
    public async Task<IReadOnlyList<string>> C6ResolveAaaaAsync()
    {
        var result = await InNamespaceAsync("c6", "dig", "+short", "+time=1", "+tries=1", "AAAA", ServerName);
        return result.Succeeded ? result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    /// <summary>Polls until the condition holds; returns how long it took, or fails the test with what it waited for.</summary>
    public static async Task<TimeSpan> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return clock.Elapsed;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }

        Assert.Fail($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
        return clock.Elapsed;
    }

    private Task<CommandResult> RunLabScriptAsync(string script) =>
        NetworkNamespace.Runner.RunAsync("env", [$"BORDER={Border}", $"LAB={Name}", Path.Combine(TestPaths.RepositoryRoot, "lab", script)], ScriptTimeout);

    /// <summary>Skips unless the lab's tools are here, fails when the lab did not come up, and waits until both
    /// gateways announce the NAT64 prefix and the IPv4 default at core, whatever a test before left converging.</summary>
    public async Task RequireBothAnnouncingAsync()
    {
        Requires.RootAndNetworkNamespaces();
        Requires.Tool("/usr/lib/frr/zebra", "frr");
        Requires.Tool("/usr/bin/gobgpd", "gobgp");
        Requires.Tool("/usr/sbin/tayga", "tayga");
        Requires.Tool("/usr/sbin/unbound", "unbound");
        Requires.Tool("/usr/bin/ncat", "ncat");
        Requires.Tool("/usr/bin/dig", "dnsutils");
        Assert.True(Unavailable is null, Unavailable);

        // Each test starts from both gateways announcing, whatever the test before left converging.
        HashSet<string> both = ["gw1", "gw2"];
        await WaitUntilAsync(
            async () => (await CorePathsAsync(Nat64Prefix)).SetEquals(both) && (await CorePathsAsync("0.0.0.0/0")).SetEquals(both)
                && (await CorePathsAsync(AnycastIpv4)).SetEquals(both) && (await CorePathsAsync(AnycastIpv6)).SetEquals(both),
            TimeSpan.FromSeconds(90),
            "both gateways announcing");
    }
}
