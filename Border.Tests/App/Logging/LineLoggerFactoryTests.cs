using Border.App.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.App.Logging;

public sealed class LineLoggerFactoryTests
{
    [Fact]
    public void Log_WithAClock_StartsTheLineWithItsUtcTimeThenThePriority()
    {
        var output = new StringWriter();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T03:18:47.7715+01:00", System.Globalization.CultureInfo.InvariantCulture));
        using var loggers = new LineLoggerFactory(output, LogLevel.Information, clock);

        loggers.CreateLogger("Border.App.Supervision.GatewaySupervisor").LogError("nat64 down: tayga exited (code 137)");

        Assert.Equal("2026-11-23T02:18:47.771Z <3>GatewaySupervisor: nat64 down: tayga exited (code 137)" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void Log_WithoutAClock_StartsTheLineWithThePriorityJournaldReads()
    {
        var output = new StringWriter();
        using var loggers = new LineLoggerFactory(output, LogLevel.Information, clock: null);

        loggers.CreateLogger("Border.App.Hosting.GatewayDaemon").LogInformation("supervising gateway gw1");
        loggers.CreateLogger("Border.App.Hosting.GatewayDaemon").LogDebug("below the minimum");

        Assert.Equal("<6>GatewayDaemon: supervising gateway gw1" + Environment.NewLine, output.ToString());
    }
}
