using System.Net.Sockets;
using System.Text;
using Border.App.Hosting;

namespace Border.Tests.App.Hosting;

public sealed class SystemdNotifierTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("border-notify-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Ready_WithNotifySocket_SendsReadyAndStatus()
    {
        var path = Path.Combine(directory, "notify");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(path));
        using var notifier = SystemdNotifier.For(path, TimeSpan.FromSeconds(10));

        notifier.Ready("announcing 7 attractions");

        var buffer = new byte[256];
        var length = systemd.Receive(buffer);
        Assert.Equal("READY=1\nSTATUS=announcing 7 attractions", Encoding.UTF8.GetString(buffer, 0, length));
        Assert.Equal(TimeSpan.FromSeconds(10), notifier.WatchdogInterval);
    }

    [Fact]
    public void FromEnvironment_NoSystemd_DoesNothing()
    {
        Assert.Null(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));
        using var notifier = SystemdNotifier.FromEnvironment();

        notifier.Ready("ignored");

        Assert.False(notifier.Enabled);
    }
}
