using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

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

    /// <summary>Routes core gets only from the test, marking the start and the end of what the monitor saw.</summary>
    private const string StartMarker = "2001:db8:d78:5fe::/64";
    private const string EndMarker = "2001:db8:d78:5ff::/64";

    [Fact]
    public async Task Reload_SameConfigAndARewrittenOne_CoreSeesNoWithdrawalAndNothingRisesAgain()
    {
        await RequireLabAsync();
        var original = await File.ReadAllTextAsync(Gw1Config, TestContext.Current.CancellationToken);
        try
        {
            // The daemon may run a text an earlier test gave it: make it the file's, then watch.
            Assert.True((await lab.BorderCliAsync("gw1", "reload")).Succeeded);
            await using var monitor = await CoreRouteMonitor.StartAsync(lab);

            var same = await lab.BorderCliAsync("gw1", "reload");
            Assert.True(same.Succeeded, same.StandardError);
            Assert.Equal($"{Gw1Config}: unchanged", same.StandardOutput.Trim());

            // The same settings in a different text: a real reload that must keep everything running.
            await File.WriteAllTextAsync(Gw1Config, original + "\n// rewritten by DaemonLabTests\n", TestContext.Current.CancellationToken);
            var rewritten = await lab.BorderCliAsync("gw1", "reload");
            Assert.True(rewritten.Succeeded, rewritten.StandardError);
            Assert.Equal($"{Gw1Config}: reloaded; nftables kept running (unchanged); tayga kept running (unchanged); unbound kept running (unchanged)", rewritten.StandardOutput.Trim());
            var status = await lab.BorderCliAsync("gw1", "status");
            Assert.True(status.Succeeded, status.StandardError);

            var seen = await monitor.StopAsync();
            output.WriteLine($"core's route events during the reloads:\n{string.Join('\n', seen)}");
            Assert.DoesNotContain(seen, line => line.StartsWith("Deleted", StringComparison.Ordinal) && !line.Contains(EndMarker, StringComparison.Ordinal));
            Assert.Contains("nat64    nftables + tayga  up", status.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(Both, await lab.CorePathsAsync(SupervisorLab.Nat64Prefix));
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
        var before = await lab.BorderCliAsync("gw1", "status", "--json");
        try
        {
            await using var monitor = await CoreRouteMonitor.StartAsync(lab);
            await File.WriteAllTextAsync(Gw1Config, original.Replace("\"2001:db8:d78:564::/96\"", "\"2001:db8:d78:564::/33\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);

            var reload = await lab.BorderCliAsync("gw1", "reload");

            Assert.False(reload.Succeeded, "border reload accepted a config with an error");
            Assert.Contains("reload refused, the running config stays", reload.StandardError, StringComparison.Ordinal);
            Assert.Contains("nat64.prefix 2001:db8:d78:564::/33", reload.StandardError, StringComparison.Ordinal);
            var after = await lab.BorderCliAsync("gw1", "status", "--json");
            Assert.True(after.Succeeded, after.StandardError);
            var seen = await monitor.StopAsync();
            Assert.DoesNotContain(seen, line => line.StartsWith("Deleted", StringComparison.Ordinal) && !line.Contains(EndMarker, StringComparison.Ordinal));
            Assert.True(IsAlive(pid), "border died after a refused reload");
            Assert.Equal(ServicesAndAttractions(before.StandardOutput), ServicesAndAttractions(after.StandardOutput));
            Assert.Equal(Both, await lab.CorePathsAsync(SupervisorLab.Nat64Prefix));
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
        try
        {
            await using var monitor = await CoreRouteMonitor.StartAsync(lab);
            var logged = (await LogLinesAsync()).Count;

            await File.WriteAllTextAsync(Gw1Config, original.Replace("\"2001:db8:d78:564::/96\"", "\"2001:db8:d78:564::/33\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            await lab.InNamespaceAsync("gw1", "kill", "-HUP", pid.ToString(CultureInfo.InvariantCulture));
            await WaitForLogAsync(logged, "reload refused, the running config stays");
            Assert.True(IsAlive(pid), "border died on SIGHUP with an invalid config");

            await File.WriteAllTextAsync(Gw1Config, original + "\n// rewritten by DaemonLabTests\n", TestContext.Current.CancellationToken);
            await lab.InNamespaceAsync("gw1", "kill", "-HUP", pid.ToString(CultureInfo.InvariantCulture));
            var done = await WaitForLogAsync(logged, "reload: now supervising with");
            Assert.Contains("nftables kept running (unchanged); tayga kept running (unchanged)", done, StringComparison.Ordinal);
            var status = await lab.BorderCliAsync("gw1", "status");
            Assert.True(status.Succeeded, status.StandardError);

            var seen = await monitor.StopAsync();
            Assert.DoesNotContain(seen, line => line.StartsWith("Deleted", StringComparison.Ordinal) && !line.Contains(EndMarker, StringComparison.Ordinal));
            Assert.True(IsAlive(pid), "border died on SIGHUP");
            Assert.Equal(Both, await lab.CorePathsAsync(SupervisorLab.Nat64Prefix));
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

    private Task RequireLabAsync() => lab.RequireBothAnnouncingAsync();

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

    /// <summary><c>ip monitor route nexthop</c> in core, framed by two marker routes the test adds itself: the first
    /// shows the monitor is listening, the second's deletion that it has printed everything before it.</summary>
    private sealed class CoreRouteMonitor : IAsyncDisposable
    {
        private readonly SupervisorLab lab;
        private readonly Process process;
        private readonly ConcurrentQueue<string> lines = new();

        private CoreRouteMonitor(SupervisorLab lab, Process process)
        {
            this.lab = lab;
            this.process = process;
            process.OutputDataReceived += (_, line) =>
            {
                if (line.Data is not null)
                {
                    lines.Enqueue(line.Data);
                }
            };
            process.BeginOutputReadLine();
        }

        public static async Task<CoreRouteMonitor> StartAsync(SupervisorLab lab)
        {
            var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in (string[])["netns", "exec", $"{SupervisorLab.Name}-core", "ip", "monitor", "route", "nexthop"])
            {
                start.ArgumentList.Add(argument);
            }

            var monitor = new CoreRouteMonitor(lab, Process.Start(start)!);
            await SupervisorLab.WaitUntilAsync(
                async () =>
                {
                    await lab.InNamespaceAsync("core", "ip", "-6", "route", "del", "blackhole", StartMarker);
                    await lab.InNamespaceAsync("core", "ip", "-6", "route", "add", "blackhole", StartMarker);
                    return monitor.lines.Any(line => !line.StartsWith("Deleted", StringComparison.Ordinal) && line.Contains(StartMarker, StringComparison.Ordinal));
                },
                TimeSpan.FromSeconds(10),
                "core's route monitor to start listening");
            return monitor;
        }

        /// <summary>Ends the monitor once it has seen the end marker; returns what it saw in between.</summary>
        public async Task<IReadOnlyList<string>> StopAsync()
        {
            await lab.InNamespaceAsync("core", "ip", "-6", "route", "add", "blackhole", EndMarker);
            await lab.InNamespaceAsync("core", "ip", "-6", "route", "del", "blackhole", EndMarker);
            await SupervisorLab.WaitUntilAsync(
                () => Task.FromResult(lines.Any(line => line.StartsWith("Deleted", StringComparison.Ordinal) && line.Contains(EndMarker, StringComparison.Ordinal))),
                TimeSpan.FromSeconds(10),
                "core's route monitor to see the end marker");
            var seen = lines.ToList();
            return seen[(seen.FindLastIndex(line => line.Contains(StartMarker, StringComparison.Ordinal)) + 1)..];
        }

        public async ValueTask DisposeAsync()
        {
            process.Kill();
            await process.WaitForExitAsync();
            process.Dispose();
            await lab.InNamespaceAsync("core", "ip", "-6", "route", "del", "blackhole", StartMarker);
        }
    }
}
