using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Border.App.Hosting;

/// <summary>Tells systemd we are ready, stopping, or still alive (sd_notify), when systemd started us.</summary>
/// <remarks>Where systemd is not there (no <c>NOTIFY_SOCKET</c>), every call does nothing: border runs the
/// same under systemd, in a container, or by hand.</remarks>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? socket;
    private readonly UnixDomainSocketEndPoint? endpoint;

    private SystemdNotifier(string? notifySocket, TimeSpan? watchdogInterval)
    {
        WatchdogInterval = watchdogInterval;
        if (string.IsNullOrEmpty(notifySocket))
        {
            return;
        }

        // A leading '@' names a socket in the abstract namespace, which the endpoint spells with a NUL.
        endpoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>How often systemd expects a watchdog ping, when it set one (WATCHDOG_USEC).</summary>
    public TimeSpan? WatchdogInterval { get; }

    public bool Enabled => socket is not null;

    /// <summary>Reads NOTIFY_SOCKET and WATCHDOG_USEC, as systemd sets them for a Type=notify service.</summary>
    public static SystemdNotifier FromEnvironment()
    {
        var watchdog = long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var microseconds)
            ? TimeSpan.FromMicroseconds(microseconds)
            : (TimeSpan?)null;
        return new SystemdNotifier(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"), watchdog);
    }

    internal static SystemdNotifier For(string notifySocket, TimeSpan? watchdogInterval) => new(notifySocket, watchdogInterval);

    public void Ready(string status) => Send($"READY=1\nSTATUS={status}");

    public void Stopping(string status) => Send($"STOPPING=1\nSTATUS={status}");

    public void Status(string status) => Send($"STATUS={status}");

    public void WatchdogPing() => Send("WATCHDOG=1");

    public void Dispose() => socket?.Dispose();

    private void Send(string message)
    {
        if (socket is null)
        {
            return;
        }

        socket.SendTo(Encoding.UTF8.GetBytes(message), endpoint!);
    }
}
