using Border.App.Supervision;

namespace Border.Tests.App.Supervision;

public sealed class SupervisorReportsTests
{
    [Fact]
    public async Task Status_AfterRise_ShowsHealthChecksAndEachAttractionAtItsSpeaker()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();

        var report = StatusReports.From(harness.Supervisor.Snapshot);

        Assert.Equal("gw1", report.Gateway);
        var nat64 = Assert.Single(report.Services, service => service.Name == "nat64");
        Assert.Equal("up", nat64.Health);
        Assert.Equal("tayga + nftables", nat64.Engine);
        Assert.Equal(2, nat64.Checks.Count);
        var prefix = Assert.Single(report.Attractions, attraction => attraction.Prefix == "2001:db8:d78:564::/96");
        Assert.True(prefix.Announce);
        Assert.Equal("in-service: held by nat64", prefix.Reason);
        Assert.Equal(new Dictionary<string, bool> { ["frr-ospf"] = true }, prefix.Speakers);
    }

    [Fact]
    public async Task Metrics_AfterADrain_ShowHealthDrainTransitionsAndAttractionsPerSpeaker()
    {
        await using var harness = new SupervisorHarness();
        await harness.RiseAsync();
        await harness.Supervisor.DrainAsync([Border.Routing.Attractions.Service.Nat64], new("root", harness.Time.GetUtcNow(), null), TestContext.Current.CancellationToken);

        var text = SupervisorMetrics.Render(harness.Supervisor.Snapshot);

        Assert.Contains("border_service_healthy{service=\"nat64\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("border_service_drained{service=\"nat64\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("border_service_transitions_total{service=\"nat44\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("border_speaker_attractions{speaker=\"frr-ospf\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("border_speaker_attractions{speaker=\"gobgp\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("border_attraction_desired{protocol=\"ospf6\",prefix=\"2001:db8:d78:564::/96\",reason=\"drained\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("border_check_duration_seconds{service=\"nat64\",check=\"nat64-ping\"} 0.003\n", text, StringComparison.Ordinal);
    }
}
