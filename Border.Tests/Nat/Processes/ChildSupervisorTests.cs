using Border.Nat.Health;
using Border.Nat.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Nat.Processes;

public sealed class ChildSupervisorTests
{
    [Theory]
    [InlineData(0, 250)]
    [InlineData(1, 500)]
    [InlineData(3, 2000)]
    [InlineData(6, 16000)]
    [InlineData(7, 30000)]
    [InlineData(40, 30000)]
    public async Task RestartDelay_ConsecutiveExits_DoublesFromTheFirstDelayUpToTheCap(int attempt, int expectedMs)
    {
        await using var supervisor = new ChildSupervisor(
            "unbound",
            _ => throw new InvalidOperationException("a delay is computed without starting anything"),
            new ChildRestartOptions(),
            new HealthEventStream(),
            TimeProvider.System,
            NullLogger.Instance);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), supervisor.RestartDelay(attempt));
    }
}
