using System.Diagnostics;
using System.Text.Json;
using Border.App.Configuration;
using Border.App.Supervision;
using Border.Routing.Processes;

namespace Border.Tests.Integration.Supervisor;

/// <summary>How long after border acted on a lab gateway (a start, a reload) a wrong announcement or withdrawal can
/// take to show in core's table: a test that judges "nothing changed" watches this long. Every part is read from what
/// the lab really runs with: the gateway's border.json and the gateway's and core's FRR.</summary>
/// <param name="SlowestRise">The slowest check to rise, from the gateway's config: rise x interval + timeout. A
/// service whose health a bug reset, or that a bug announces once healthy, is announced that late.</param>
/// <param name="Resync">The supervisor's resync: a reconcile that puts a wrong state in runs at the latest then.</param>
/// <param name="FrrDelay">FRR re-reads a changed prefix-list only after a delay (FrrOspfSpeaker): ospfd's LSA minimum
/// interval, or ospf6d's fixed 5 s, whichever is longer.</param>
/// <param name="Retransmit">The gateway's OSPF retransmit interval: core drops an LSA that arrives within its minimum
/// arrival time of the one before, and has it again only when the gateway resends it.</param>
/// <param name="CoreSpfHold">The longest core's SPF throttle holds a new LSA before installing routes from it.</param>
internal sealed record CoreReachWindow(TimeSpan SlowestRise, TimeSpan Resync, TimeSpan FrrDelay, TimeSpan Retransmit, TimeSpan CoreSpfHold)
{
    /// <summary>ospf6d 8.4 re-reads a changed route-map or prefix-list after OSPF_MIN_LS_INTERVAL, which no command
    /// sets or shows (ospf6_asbr_routemap_update).</summary>
    private static readonly TimeSpan Ospf6dRouteMapDelay = TimeSpan.FromSeconds(5);

    public TimeSpan Total => SlowestRise + Resync + FrrDelay + Retransmit + CoreSpfHold;

    /// <summary>Reads the window for <paramref name="gateway"/> of the running lab.</summary>
    public static async Task<CoreReachWindow> ReadAsync(string gateway)
    {
        var config = ConfigLoader.Load(Path.Combine(SupervisorLab.Root, gateway, "border.json"));
        var slowestRise = config.Health.Schedules.Values.Max(schedule => (schedule.Rise * schedule.Interval) + schedule.Timeout);

        using var ospf = await ShowJsonAsync(gateway, "show ip ospf json");
        using var ospfInterfaces = await ShowJsonAsync(gateway, "show ip ospf interface json");
        using var ospf6Interfaces = await ShowJsonAsync(gateway, "show ipv6 ospf6 interface json");
        using var coreOspf = await ShowJsonAsync("core", "show ip ospf json");
        using var coreOspf6 = await ShowJsonAsync("core", "show ipv6 ospf6 json");

        var lsaMinInterval = TimeSpan.FromMilliseconds(ospf.RootElement.GetProperty("lsaMinIntervalMsecs").GetInt32());
        var retransmit = TimeSpan.FromSeconds(Math.Max(
            ospfInterfaces.RootElement.GetProperty("interfaces").GetProperty("core").GetProperty("timerRetransmitSecs").GetInt32(),
            ospf6Interfaces.RootElement.GetProperty("core").GetProperty("timerIntervalsConfigRetransmit").GetInt32()));
        var spfHold = TimeSpan.FromMilliseconds(Math.Max(
            coreOspf.RootElement.GetProperty("holdtimeMaxMsecs").GetInt32(),
            coreOspf6.RootElement.GetProperty("holdTimeMaxMsecs").GetInt32()));
        return new CoreReachWindow(slowestRise, GatewaySupervisor.ResyncInterval, lsaMinInterval > Ospf6dRouteMapDelay ? lsaMinInterval : Ospf6dRouteMapDelay, retransmit, spfHold);
    }

    /// <summary>Runs <paramref name="check"/> again and again until the window has passed since the call, and once
    /// more at its end; a check that fails fails the test there.</summary>
    /// <returns>How many times the check ran.</returns>
    public async Task<int> HoldsThroughoutAsync(Func<Task> check)
    {
        var clock = Stopwatch.StartNew();
        var runs = 0;
        do
        {
            await check();
            runs++;
            await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken);
        }
        while (clock.Elapsed < Total);

        await check();
        return runs + 1;
    }

    public override string ToString() =>
        $"{Total.TotalSeconds:0.0} s (slowest rise {SlowestRise.TotalSeconds:0.0} s + resync {Resync.TotalSeconds:0.0} s + FRR's prefix-list delay {FrrDelay.TotalSeconds:0.0} s"
        + $" + retransmit {Retransmit.TotalSeconds:0.0} s + core's SPF hold {CoreSpfHold.TotalSeconds:0.0} s)";

    private static async Task<JsonDocument> ShowJsonAsync(string node, string command)
    {
        var shown = await NetworkNamespace.Runner.RunCheckedAsync("/usr/bin/vtysh", ["--vty_socket", Path.Combine(SupervisorLab.Root, node, "frr"), "-c", command], TimeSpan.FromSeconds(10));
        return JsonDocument.Parse(shown.StandardOutput);
    }
}
