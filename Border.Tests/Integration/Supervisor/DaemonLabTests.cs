using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Border.Tests.Integration.Faults;

namespace Border.Tests.Integration.Supervisor;

/// <summary>The daemon's own faults against the real lab: reloads (by command and by SIGHUP), kill -9 with Tayga as
/// its child, and a control socket fed garbage. Core's routing table and upstream's BGP table are the judges.</summary>
/// <remarks>The tests share one lab; each starts from both gateways announcing and leaves it so.</remarks>
public sealed class DaemonLabTests(SupervisorLab lab, ITestOutputHelper output) : IClassFixture<SupervisorLab>
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);
    private static readonly HashSet<string> Both = ["gw1", "gw2"];
    private static readonly string Gw1Config = Path.Combine(SupervisorLab.Root, "gw1", "border.json");
    private static readonly string Gw1Log = Path.Combine(SupervisorLab.Root, "gw1", "border.log");

    [Fact]
    public async Task Reload_SameConfigAndARewrittenOne_CoreSeesNoWithdrawalAndNothingRisesAgain()
    {
        await RequireLabAsync();
        var original = await File.ReadAllTextAsync(Gw1Config, TestContext.Current.CancellationToken);
        try
        {
            // The daemon may run a text an earlier test gave it: make it the file's, then watch.
            Assert.True((await lab.BorderCliAsync("gw1", "reload")).Succeeded);
            var before = await BaselineAsync();
            await using var monitor = await CoreRouteMonitor.StartAsync(lab);

            var same = await lab.BorderCliAsync("gw1", "reload");
            Assert.True(same.Succeeded, same.StandardError);
            Assert.Equal($"{Gw1Config}: unchanged", same.StandardOutput.Trim());

            // The same settings in a different text: a real reload that must keep everything running.
            await File.WriteAllTextAsync(Gw1Config, original + "\n// rewritten by DaemonLabTests\n", TestContext.Current.CancellationToken);
            var rewritten = await lab.BorderCliAsync("gw1", "reload");
            Assert.True(rewritten.Succeeded, rewritten.StandardError);
            Assert.Equal($"{Gw1Config}: reloaded; nftables kept running (unchanged); tayga kept running (unchanged); unbound kept running (unchanged)", rewritten.StandardOutput.Trim());

            await AssertNothingChangesAsync(monitor, before);
            Assert.True(await lab.UpstreamHasAsync("192.0.2.0/30", "203.0.113.2"), "upstream lost gw1's pool over the reload");
            Assert.Contains(await LogLinesAsync(), line => line.Contains("reload: nat64 keeps its health and announcements (unchanged)", StringComparison.Ordinal));
        }
        finally
        {
            await RestoreAsync(original);
        }
    }

    [Fact]
    public async Task Reload_ConfigWithAnError_IsRefusedNamingTheField_AndTheDaemonAndAnnouncementsStay()
    {
        await RequireLabAsync();
        var original = await File.ReadAllTextAsync(Gw1Config, TestContext.Current.CancellationToken);
        var pid = lab.BorderPid("gw1");
        var before = await BaselineAsync();
        try
        {
            await using var monitor = await CoreRouteMonitor.StartAsync(lab);
            await File.WriteAllTextAsync(Gw1Config, original.Replace("\"2001:db8:d78:564::/96\"", "\"2001:db8:d78:564::/33\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);

            var reload = await lab.BorderCliAsync("gw1", "reload");

            Assert.False(reload.Succeeded, "border reload accepted a config with an error");
            Assert.Contains("reload refused, the running config stays", reload.StandardError, StringComparison.Ordinal);
            Assert.Contains("nat64.prefix 2001:db8:d78:564::/33", reload.StandardError, StringComparison.Ordinal);
            await AssertNothingChangesAsync(monitor, before);
            Assert.True(IsAlive(pid), "border died after a refused reload");
            Assert.Contains(await LogLinesAsync(), line => line.Contains("reload refused, the running config stays", StringComparison.Ordinal) && line.Contains("nat64.prefix", StringComparison.Ordinal));
        }
        finally
        {
            await RestoreAsync(original);
        }
    }

    [Fact]
    public async Task Sighup_RefusesAnInvalidConfigAndAppliesAValidOne_LikeBorderReload()
    {
        await RequireLabAsync();
        var original = await File.ReadAllTextAsync(Gw1Config, TestContext.Current.CancellationToken);
        var pid = lab.BorderPid("gw1");
        var before = await BaselineAsync();
        try
        {
            await using var monitor = await CoreRouteMonitor.StartAsync(lab);
            var logged = (await LogLinesAsync()).Count;

            await File.WriteAllTextAsync(Gw1Config, original.Replace("\"2001:db8:d78:564::/96\"", "\"2001:db8:d78:564::/33\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            await lab.InNamespaceAsync("gw1", "kill", "-HUP", pid.ToString(CultureInfo.InvariantCulture));
            await WaitForLogAsync(logged, "reload refused, the running config stays");
            Assert.True(IsAlive(pid), "border died on SIGHUP with an invalid config");
            await AssertStatusStaysThroughTheWindowAsync(before);

            await File.WriteAllTextAsync(Gw1Config, original + "\n// rewritten by DaemonLabTests\n", TestContext.Current.CancellationToken);
            await lab.InNamespaceAsync("gw1", "kill", "-HUP", pid.ToString(CultureInfo.InvariantCulture));
            var done = await WaitForLogAsync(logged, "reload: now supervising with");
            Assert.Contains("nftables kept running (unchanged); tayga kept running (unchanged)", done, StringComparison.Ordinal);

            await AssertNothingChangesAsync(monitor, before);
            Assert.True(IsAlive(pid), "border died on SIGHUP");
        }
        finally
        {
            await RestoreAsync(original);
        }
    }

    [Fact]
    public async Task KillNine_Border_ItsTaygaEndsToo_RestartStartsOneAndReannouncesWithoutDuplicates()
    {
        await RequireLabAsync();
        var tayga = lab.TaygaPid("gw1") ?? throw new InvalidOperationException("gw1 runs no tayga");

        await lab.InNamespaceAsync("gw1", "kill", "-9", lab.BorderPid("gw1").ToString(CultureInfo.InvariantCulture));
        var ended = await SupervisorLab.WaitUntilAsync(() => Task.FromResult(!IsAlive(tayga)), TimeSpan.FromSeconds(10), $"gw1's tayga (pid {tayga}) to end with its border");
        output.WriteLine($"kill -9 border -> its tayga gone after {ended.TotalMilliseconds:0} ms");
        Assert.Empty(TaygasOf("gw1"));
        await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(["gw2"]), Converge, "core to lose gw1's /96 after kill -9");

        await lab.LabBorderAsync("start", "gw1");
        await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync(SupervisorLab.Nat64Prefix)).SetEquals(Both) && (await lab.CorePathsAsync("0.0.0.0/0")).SetEquals(Both), Converge, "restarted gw1 to announce again");

        Assert.Single(TaygasOf("gw1"));
        Assert.NotNull(lab.TaygaPid("gw1"));
        var core = await lab.InNamespaceAsync("core", "ip", "-6", "route", "show", SupervisorLab.Nat64Prefix);
        Assert.Equal(1, core.StandardOutput.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Count(word => word == "gw1"));
        var upstream = await lab.InNamespaceAsync("upstream", "vtysh", "--vty_socket", Path.Combine(SupervisorLab.Root, "upstream", "frr"), "-c", "show bgp ipv4 unicast 192.0.2.0/30");
        Assert.Contains("Paths: (1 available", upstream.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecondDaemon_SameConfig_RefusesToStartNamingTheLock_TheFirstKeepsServing()
    {
        await RequireLabAsync();
        var pid = lab.BorderPid("gw1");

        var second = await lab.InNamespaceAsync("gw1", lab.Border, "run", "--config", Gw1Config);

        var said = second.StandardOutput + second.StandardError;
        output.WriteLine(said);
        Assert.False(second.Succeeded, "a second border ran beside the first");
        Assert.Contains($"cannot start: {Path.Combine(SupervisorLab.Root, "gw1", "state", "border.lock")} cannot be locked", said, StringComparison.Ordinal);
        Assert.True(IsAlive(pid), "the first border died when a second one started");
        var status = await lab.BorderCliAsync("gw1", "status");
        Assert.True(status.Succeeded, $"the first border's control socket no longer answers: {status.StandardError}");
        Assert.Contains("nat64    nftables + tayga  up", status.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(Both, await lab.CorePathsAsync(SupervisorLab.Nat64Prefix));
    }

    [Fact]
    public async Task ControlSocket_MalformedRequests_EachAnsweredWithAnError_DaemonKeepsRunningAndLogsWhy()
    {
        await RequireLabAsync();
        var pid = lab.BorderPid("gw1");
        var socket = Path.Combine(SupervisorLab.Root, "gw1", "control.sock");
        var logged = (await LogLinesAsync()).Count;

        string[] requests =
        [
            "\u0001\u00ffgarbage\n",
            "{\"command\": \"dra",
            "{\"command\": \"frobnicate\"}\n",
            "{\"command\": \"drain\", \"services\": [\"nat99\"]}\n",
            new string('x', 200_000),
        ];
        foreach (var request in requests)
        {
            var answer = await SendRawAsync(socket, request);
            Assert.StartsWith("{\"ok\":false,\"message\":", answer, StringComparison.Ordinal);
        }

        using (var closing = await ConnectAsync(socket))
        {
            await closing.SendAsync(Encoding.UTF8.GetBytes("{\"command\":"), SocketFlags.None, TestContext.Current.CancellationToken);
        }

        var flood = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => SendRawAsync(socket, "{\"command\": \"status\"}\n")));
        output.WriteLine($"50 status requests at once: {flood.Count(answer => answer.StartsWith("{\"ok\":true", StringComparison.Ordinal))} answered, {flood.Count(answer => answer.Contains("too many control connections", StringComparison.Ordinal))} refused as too many");
        Assert.All(flood, answer => Assert.StartsWith("{\"ok\":", answer, StringComparison.Ordinal));

        Assert.True(IsAlive(pid), "border died on malformed control requests");
        var status = await lab.BorderCliAsync("gw1", "status");
        Assert.True(status.Succeeded, status.StandardError);
        var lines = (await LogLinesAsync()).Skip(logged).ToList();
        Assert.Contains(lines, line => line.Contains("control request refused: malformed request", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("control request refused: unknown command frobnicate", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("control request refused: unknown service", StringComparison.Ordinal));
        Assert.Equal(Both, await lab.CorePathsAsync(SupervisorLab.Nat64Prefix));
    }

    /// <summary>Both gateways announcing, ::/0 too: the reload tests judge every change of core's table, so nothing a
    /// test before left converging may arrive while they watch.</summary>
    private async Task RequireLabAsync()
    {
        await lab.RequireBothAnnouncingAsync();
        await SupervisorLab.WaitUntilAsync(async () => (await lab.CorePathsAsync("::/0")).SetEquals(Both), Converge, "both gateways' ::/0 at core");
    }

    /// <summary>Watches core's tables and gw1's status for as long as a wrong announcement or withdrawal could take to
    /// reach core after what the test just did: core's tables do not change at all, gw1's status stays as it was
    /// (every service up, every attraction announced and held at its speaker), and its engines keep running.</summary>
    private async Task AssertNothingChangesAsync(CoreRouteMonitor monitor, Baseline before)
    {
        await AssertStatusStaysThroughTheWindowAsync(before);
        var seen = await monitor.StopAsync();
        output.WriteLine($"core's route changes while the test watched:\n{string.Join('\n', seen)}");
        Assert.Empty(seen);
        Assert.Equal(before.Tayga, lab.TaygaPid("gw1"));
        Assert.Equal(before.Unbound, lab.UnboundPid("gw1"));
        Assert.Equal(Both, await lab.CorePathsAsync(SupervisorLab.Nat64Prefix));
    }

    /// <summary>Polls gw1's status for the window: its services' health and its attractions stay as they were.</summary>
    private async Task AssertStatusStaysThroughTheWindowAsync(Baseline before)
    {
        var expected = ServicesAndAttractions(before.Status);
        var polls = await before.Window.HoldsThroughoutAsync(async () => Assert.Equal(expected, ServicesAndAttractions(await StatusJsonAsync())));
        output.WriteLine($"watched gw1's status for {before.Window} ({polls} polls)");
    }

    /// <summary>gw1's status, engines and the window, read while gw1's config file is still the one it runs; every
    /// service must be up and every attraction held, or "nothing changed" would judge a lab still converging.</summary>
    private async Task<Baseline> BaselineAsync()
    {
        var status = await StatusJsonAsync();
        AssertAllServing(status);
        return new(status, lab.TaygaPid("gw1"), lab.UnboundPid("gw1"), await CoreReachWindow.ReadAsync("gw1"));
    }

    private async Task<string> StatusJsonAsync()
    {
        var status = await lab.BorderCliAsync("gw1", "status", "--json");
        Assert.True(status.Succeeded, status.StandardError);
        return status.StandardOutput;
    }

    private static void AssertAllServing(string statusJson)
    {
        using var document = System.Text.Json.JsonDocument.Parse(statusJson);
        foreach (var service in document.RootElement.GetProperty("services").EnumerateArray())
        {
            Assert.True(service.GetProperty("health").GetString() == "up", $"gw1's {service.GetProperty("name")} is not up before the test acts: {service}");
        }

        foreach (var attraction in document.RootElement.GetProperty("attractions").EnumerateArray())
        {
            var held = attraction.GetProperty("announce").GetBoolean() && attraction.GetProperty("speakers").EnumerateObject().All(speaker => speaker.Value.GetBoolean());
            Assert.True(held, $"gw1 does not hold {attraction.GetProperty("prefix")} at every speaker before the test acts: {attraction}");
        }
    }

    /// <summary>Puts gw1's config back and has its daemon run it, so the next test finds the lab as it was.</summary>
    private async Task RestoreAsync(string original)
    {
        await File.WriteAllTextAsync(Gw1Config, original, TestContext.Current.CancellationToken);
        var reload = await lab.BorderCliAsync("gw1", "reload");
        Assert.True(reload.Succeeded, $"gw1 refused its own config back: {reload.StandardError}");
    }

    private static async Task<List<string>> LogLinesAsync() =>
        [.. await File.ReadAllLinesAsync(Gw1Log, TestContext.Current.CancellationToken)];

    /// <summary>Waits for a log line after the first <paramref name="skip"/> lines that contains the text.</summary>
    private static async Task<string> WaitForLogAsync(int skip, string text)
    {
        string? found = null;
        await SupervisorLab.WaitUntilAsync(
            async () => (found = (await LogLinesAsync()).Skip(skip).FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal))) is not null,
            TimeSpan.FromSeconds(15),
            $"gw1's log to say \"{text}\"");
        return found!;
    }

    /// <summary>Alive: present in /proc and not a zombie (PID 1 here reaps orphans slowly).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Every live tayga running the gateway's config, whoever its parent.</summary>
    private static List<int> TaygasOf(string gateway)
    {
        var config = Path.Combine(SupervisorLab.Root, gateway, "state", "tayga.conf");
        var found = new List<int>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            string[] arguments;
            try
            {
                arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue;
            }

            if (Path.GetFileName(arguments[0]) == "tayga" && arguments.Contains(config) && IsAlive(pid))
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>The services' health and the attractions with their states, without the check times that move.</summary>
    private static string ServicesAndAttractions(string statusJson)
    {
        using var document = System.Text.Json.JsonDocument.Parse(statusJson);
        var root = document.RootElement;
        var services = root.GetProperty("services").EnumerateArray().Select(service => $"{service.GetProperty("name")}={service.GetProperty("health")}");
        var attractions = root.GetProperty("attractions").EnumerateArray().Select(attraction => attraction.ToString());
        return string.Join('\n', services.Concat(attractions));
    }

    private sealed record Baseline(string Status, int? Tayga, int? Unbound, CoreReachWindow Window);

    private static async Task<Socket> ConnectAsync(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), TestContext.Current.CancellationToken);
        return socket;
    }

    /// <summary>Sends the bytes, ends the sending side, and reads the one answer line (or what came before the close).</summary>
    private static async Task<string> SendRawAsync(string path, string request)
    {
        using var socket = await ConnectAsync(path);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(request), SocketFlags.None, deadline.Token);
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The daemon stopped reading an oversized request and closed; its answer is still to be read.
        }

        return await Border.Tests.App.Control.ControlSocketTests.ReadLineAsync(socket);
    }
}
