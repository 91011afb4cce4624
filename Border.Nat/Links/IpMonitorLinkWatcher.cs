using Border.Nat.Processes;
using Border.Nat.Tools;

namespace Border.Nat.Links;

/// <summary><see cref="ILinkWatcher"/> over <c>ip -o monitor link</c>, one line per kernel link notification.</summary>
internal sealed class IpMonitorLinkWatcher(IProcessLauncher launcher, NatToolOptions tools) : ILinkWatcher
{
    public IDisposable Watch(string device, Action<LinkState?> onChange)
    {
        var child = launcher.Start(tools.Ip, ["-o", "monitor", "link"], line =>
        {
            if (Parse(device, line) is { } change)
            {
                onChange(change.State);
            }
        });
        return new ChildStopper(child);
    }

    /// <summary>Reads one notification: <c>7: nat64: &lt;NO-CARRIER,POINTOPOINT,UP&gt; mtu 1500 ... state DOWN ...</c>
    /// (<c>3: upstream@if2: ...</c> for a veth),
    /// prefixed by <c>Deleted</c> when the link went away. <see langword="null"/> when it is about another link.</summary>
    internal static LinkChange? Parse(string device, string line)
    {
        var deleted = line.StartsWith("Deleted ", StringComparison.Ordinal);
        // A veth (an uplink in a namespace, a container's interface) prints as name@peer; tun and dummy links as name.
        var at = line.IndexOf($": {device}: ", StringComparison.Ordinal);
        at = at >= 0 ? at : line.IndexOf($": {device}@", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        if (deleted)
        {
            return new LinkChange(null);
        }

        var flagsStart = line.IndexOf('<', at);
        var flagsEnd = line.IndexOf('>', flagsStart + 1);
        var flags = flagsStart < 0 || flagsEnd < 0 ? [] : line[(flagsStart + 1)..flagsEnd].Split(',');
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var stateAt = Array.IndexOf(words, "state");
        var operState = stateAt >= 0 && stateAt + 1 < words.Length ? words[stateAt + 1] : "UNKNOWN";
        return new LinkChange(new LinkState(device, flags.Contains("UP"), operState));
    }

    internal sealed record LinkChange(LinkState? State);
}
