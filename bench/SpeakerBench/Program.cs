// Usage: SpeakerBench VTY_DIR GOBGP_ENDPOINT CORE_NS UPSTREAM_NS TRIALS
// With every attraction announced, each trial withdraws and re-announces one attraction at a time through border's
// speakers and times each call's start to the matching event in the neighbour's kernel table (`ip monitor route`):
// the core for OSPF, the upstream for BGP (its bgpd installs what it learns). One untimed warm-up trial comes first.
if (args.Length != 5)
{
    Console.Error.WriteLine("usage: SpeakerBench VTY_DIR GOBGP_ENDPOINT CORE_NS UPSTREAM_NS TRIALS");
    return 2;
}

var trials = int.Parse(args[4], CultureInfo.InvariantCulture);
var frr = new VtyshTransport(new FrrOptions { VtySocketDirectory = args[0] }, new ProcessCommandRunner());
var ospf = new FrrOspfSpeaker(frr, TimeProvider.System, NullLogger<FrrOspfSpeaker>.Instance);
using var gobgpClient = new GrpcGobgpClient(new GobgpOptions { Endpoint = args[1] }, TimeProvider.System, NullLogger<GrpcGobgpClient>.Instance);
var gobgp = new GobgpSpeaker(gobgpClient, NullLogger<GobgpSpeaker>.Instance);
using var core = new RouteMonitor(args[2]);
using var upstream = new RouteMonitor(args[3]);

var e1 = new OspfAttributes(200, OspfMetricType.E1);
var noExport = new BgpAttributes(new BgpCommunities([BgpCommunities.NoExport]));

// Over the IPv4 session gobgpd would give an IPv6 path an IPv4-mapped next hop, which the upstream cannot install.
var noExport6 = noExport with { NextHop = IPAddress.Parse("2001:db8:d78:f01::2") };
(Attraction Attraction, IRouteSpeaker Speaker, RouteMonitor Neighbour)[] cases =
[
    (new(IPNetwork.Parse("0.0.0.0/0"), e1), ospf, core),
    (new(IPNetwork.Parse("::/0"), e1), ospf, core),
    (new(IPNetwork.Parse("2001:db8:d78:564::/96"), e1), ospf, core),
    (new(IPNetwork.Parse("198.51.100.53/32"), e1), ospf, core),
    (new(IPNetwork.Parse("2001:db8:d78:500::1:0/128"), e1), ospf, core),
    (new(IPNetwork.Parse("192.0.2.0/30"), noExport), gobgp, upstream),
    (new(IPNetwork.Parse("2001:db8:d78::3:0:0/125"), noExport6), gobgp, upstream),
];

// A neighbour drops a new copy of an LSA arriving within its MinLSArrival (1 s) of the last one.
var spacing = TimeSpan.FromMilliseconds(1100);
var timeout = TimeSpan.FromSeconds(10);
foreach (var (attraction, speaker, neighbour) in cases)
{
    var start = Stopwatch.GetTimestamp();
    await speaker.AnnounceAsync(attraction, CancellationToken.None);
    await neighbour.WaitAsync(attraction.Prefix, present: true, start, timeout);
}

await Task.Delay(spacing);
var withdraw = cases.ToDictionary(c => c.Attraction, _ => new List<double>());
var announce = cases.ToDictionary(c => c.Attraction, _ => new List<double>());
var calls = cases.ToDictionary(c => c.Attraction, _ => new List<double>());
for (var trial = 0; trial <= trials; trial++)
{
    foreach (var (attraction, speaker, neighbour) in cases)
    {
        var start = Stopwatch.GetTimestamp();
        await speaker.WithdrawAsync(attraction, CancellationToken.None);
        var call = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var gone = await neighbour.WaitAsync(attraction.Prefix, present: false, start, timeout);
        await Task.Delay(spacing);
        start = Stopwatch.GetTimestamp();
        await speaker.AnnounceAsync(attraction, CancellationToken.None);
        var back = await neighbour.WaitAsync(attraction.Prefix, present: true, start, timeout);
        if (trial > 0)
        {
            withdraw[attraction].Add(gone);
            announce[attraction].Add(back);
            calls[attraction].Add(call);
        }
    }

    await Task.Delay(spacing);
}

foreach (var (attraction, speaker, _) in cases)
{
    await speaker.WithdrawAsync(attraction, CancellationToken.None);
}

Console.WriteLine($"| attraction | speaker | withdraw p50 / p95 / max (ms) | of which the withdraw call p50 | announce p50 / p95 / max (ms) |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
foreach (var (attraction, speaker, _) in cases)
{
    Console.WriteLine($"| {attraction.Prefix} | {speaker.Name} | {Summary(withdraw[attraction])} | {Percentile(calls[attraction], 0.5):0} | {Summary(announce[attraction])} |");
}

return 0;

static string Summary(List<double> samples) =>
    $"{Percentile(samples, 0.5):0} / {Percentile(samples, 0.95):0} / {samples.Max():0}";

// Nearest-rank percentile.
static double Percentile(List<double> samples, double p)
{
    var sorted = samples.Order().ToList();
    return sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

/// <summary>`ip monitor route` in a namespace: each line stamped as it arrives.</summary>
internal sealed class RouteMonitor : IDisposable
{
    private readonly string ns;
    private readonly Process process;
    private readonly Channel<(long Timestamp, string Line)> lines = Channel.CreateUnbounded<(long, string)>();

    public RouteMonitor(string ns)
    {
        this.ns = ns;
        process = Process.Start(new ProcessStartInfo("ip", ["-n", ns, "monitor", "route"]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"could not start ip monitor in {ns}");
        _ = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lines.Writer.TryWrite((Stopwatch.GetTimestamp(), line));
            }
        });
    }

    /// <summary>Milliseconds from <paramref name="start"/> to the route's arrival (or removal); throws after the timeout.</summary>
    public async Task<double> WaitAsync(IPNetwork prefix, bool present, long start, TimeSpan timeout)
    {
        // ip prints a host route without its length and the default as "default".
        var key = prefix.PrefixLength == 0 ? "default"
            : prefix.PrefixLength == (prefix.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128) ? prefix.BaseAddress.ToString()
            : prefix.ToString();
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            (long Timestamp, string Line) next;
            try
            {
                next = await lines.Reader.ReadAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{prefix} still {(present ? "missing from" : "in")} the kernel table of {ns} after {timeout.TotalSeconds:0} s");
            }

            var (timestamp, line) = next;
            var deleted = line.StartsWith("Deleted ", StringComparison.Ordinal);
            var route = deleted ? line["Deleted ".Length..] : line;
            if (deleted != present && route.StartsWith(key + " ", StringComparison.Ordinal) && timestamp >= start)
            {
                return Stopwatch.GetElapsedTime(start, timestamp).TotalMilliseconds;
            }
        }
    }

    public void Dispose()
    {
        process.Kill();
        process.WaitForExit();
    }
}
