using System.Diagnostics;
using Border.Tests.Integration.Supervisor;

namespace Border.Tests.Integration.Faults;

/// <summary><c>ip -6 monitor route</c> in core for the length of a test: every change of core's IPv6 table, so a
/// test can show that something was never announced, not only that it is absent when polled.</summary>
internal sealed class CoreRouteMonitor : IDisposable
{
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly Lock gate = new();

    private CoreRouteMonitor(Process process) => this.process = process;

    public static CoreRouteMonitor Start()
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["netns", "exec", $"{SupervisorLab.Name}-core", "ip", "-6", "monitor", "route"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start ip monitor in core");
        var monitor = new CoreRouteMonitor(process);
        process.OutputDataReceived += (_, line) => monitor.Add(line.Data);
        process.ErrorDataReceived += (_, line) => monitor.Add(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return monitor;
    }

    /// <summary>The route messages seen so far that added or changed a route to <paramref name="prefix"/> with a next
    /// hop on <paramref name="device"/>.</summary>
    public IReadOnlyList<string> Additions(string prefix, string device) => Messages(prefix + " ", device);

    /// <summary>The route messages seen so far that deleted a route to <paramref name="prefix"/> that had a next hop on <paramref name="device"/>.</summary>
    public IReadOnlyList<string> Deletions(string prefix, string device) => Messages($"Deleted {prefix} ", device);

    /// <summary>Messages that start with <paramref name="start"/> and name the device: each message is its first line
    /// and the indented nexthop lines after it.</summary>
    private List<string> Messages(string start, string device)
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

        return messages
            .Where(message => message.StartsWith(start, StringComparison.Ordinal) && message.Contains($"dev {device} ", StringComparison.Ordinal))
            .ToList();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(TimeSpan.FromSeconds(5));
        }

        process.Dispose();
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
