using System.Diagnostics;
using Border.Tests.Integration.Supervisor;

namespace Border.Tests.Integration.Faults;

/// <summary><c>ip monitor route</c> in core for the length of a test: every change of core's IPv4 and IPv6 routes, so a
/// test can show that something was never announced or withdrawn, not only that it is absent or present when polled.</summary>
/// <remarks>The monitor is framed by two marker routes it adds in core itself: the first, seen, shows it is listening
/// before the test acts; the second's deletion, seen, that it has printed every change before it. Each message is its
/// first line and the indented nexthop lines after it. Nexthop objects are left out: zebra makes one of its own for each
/// kernel route, the markers' too, and a route that changes shows as a route message anyway.</remarks>
internal sealed class CoreRouteMonitor : IAsyncDisposable
{
    /// <summary>Routes core gets only from the monitor (site addresses that nothing else routes in core).</summary>
    private const string StartMarker = "2001:db8:d78:5fe::/64";
    private const string EndMarker = "2001:db8:d78:5ff::/64";

    private readonly SupervisorLab lab;
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly Lock gate = new();
    private bool stopped;

    private CoreRouteMonitor(SupervisorLab lab, Process process)
    {
        this.lab = lab;
        this.process = process;
    }

    /// <summary>Starts the monitor and returns once it has seen the start marker.</summary>
    public static async Task<CoreRouteMonitor> StartAsync(SupervisorLab lab)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["netns", "exec", $"{SupervisorLab.Name}-core", "ip", "monitor", "route"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start ip monitor in core");
        var monitor = new CoreRouteMonitor(lab, process);
        process.OutputDataReceived += (_, line) => monitor.Add(line.Data);
        process.ErrorDataReceived += (_, line) => monitor.Add(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await SupervisorLab.WaitUntilAsync(
            async () =>
            {
                await lab.InNamespaceAsync("core", "ip", "-6", "route", "del", "blackhole", StartMarker);
                await lab.InNamespaceAsync("core", "ip", "-6", "route", "add", "blackhole", StartMarker);
                return monitor.Messages().Any(IsStartMarker);
            },
            TimeSpan.FromSeconds(10),
            "core's route monitor to start listening");
        return monitor;
    }

    /// <summary>Ends the monitor once it has seen the end marker; from then on the messages are final.</summary>
    /// <returns>Every change core's tables saw between the markers.</returns>
    public async Task<IReadOnlyList<string>> StopAsync()
    {
        if (!stopped)
        {
            await lab.InNamespaceAsync("core", "ip", "-6", "route", "add", "blackhole", EndMarker);
            await lab.InNamespaceAsync("core", "ip", "-6", "route", "del", "blackhole", EndMarker);
            await SupervisorLab.WaitUntilAsync(
                () => Task.FromResult(Messages().Any(message => message.StartsWith("Deleted ", StringComparison.Ordinal) && message.Contains(EndMarker, StringComparison.Ordinal))),
                TimeSpan.FromSeconds(10),
                "core's route monitor to see the end marker");
            stopped = true;
        }

        return Changes();
    }

    /// <summary>The route messages seen so far that added or changed a route to <paramref name="prefix"/> with a next
    /// hop on <paramref name="device"/>.</summary>
    public IReadOnlyList<string> Additions(string prefix, string device) => Matching(prefix + " ", device);

    /// <summary>The route messages seen so far that deleted a route to <paramref name="prefix"/> that had a next hop on <paramref name="device"/>.</summary>
    public IReadOnlyList<string> Deletions(string prefix, string device) => Matching($"Deleted {prefix} ", device);

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }

        process.Dispose();
        await lab.InNamespaceAsync("core", "ip", "-6", "route", "del", "blackhole", StartMarker);
    }

    private List<string> Matching(string start, string device) =>
        [.. Changes().Where(message => message.StartsWith(start, StringComparison.Ordinal) && message.Contains($"dev {device} ", StringComparison.Ordinal))];

    /// <summary>The messages after the last start marker, without the markers.</summary>
    private List<string> Changes()
    {
        var messages = Messages();
        var first = messages.FindLastIndex(IsStartMarker) + 1;
        return [.. messages[first..].Where(message => !message.Contains(EndMarker, StringComparison.Ordinal) && !message.Contains(StartMarker, StringComparison.Ordinal))];
    }

    /// <summary>The start marker's addition: core prints a blackhole route as "blackhole PREFIX dev lo ...".</summary>
    private static bool IsStartMarker(string message) =>
        !message.StartsWith("Deleted ", StringComparison.Ordinal) && message.Contains(StartMarker, StringComparison.Ordinal);

    private List<string> Messages()
    {
        List<string> messages = [];
        lock (gate)
        {
            foreach (var line in lines)
            {
                if (line.StartsWith(' ') || line.StartsWith('\t'))
                {
                    if (messages.Count > 0)
                    {
                        messages[^1] += "\n" + line;
                    }
                }
                else
                {
                    messages.Add(line);
                }
            }
        }

        return messages;
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (gate)
            {
                lines.Add(line);
            }
        }
    }
}
