using System.Net;
using Border.App.Metrics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.App.Metrics;

public sealed class MetricsListenerTests
{
    [Fact]
    public void Sample_LabelsAndRepeats_WritesHelpAndTypeOnce()
    {
        var text = new MetricsText()
            .Sample("border_service_healthy", "gauge", "1 when the service passes its checks.", 1, ("service", "nat64"))
            .Sample("border_service_healthy", "gauge", "1 when the service passes its checks.", 0, ("service", "dns\"64"))
            .ToString();

        Assert.Equal(
            "# HELP border_service_healthy 1 when the service passes its checks.\n"
            + "# TYPE border_service_healthy gauge\n"
            + "border_service_healthy{service=\"nat64\"} 1\n"
            + "border_service_healthy{service=\"dns\\\"64\"} 0\n",
            text);
    }

    [Fact]
    public async Task Get_Metrics_ServesTheScrapeOnLoopback()
    {
        await using var listener = MetricsListener.Start(new IPEndPoint(IPAddress.Loopback, 0), _ => Task.FromResult("border_up 1\n"), NullLogger.Instance);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var response = await http.GetAsync($"http://127.0.0.1:{listener.Endpoint.Port}/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("border_up 1\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Get_OtherPath_IsNotFound()
    {
        await using var listener = MetricsListener.Start(new IPEndPoint(IPAddress.Loopback, 0), _ => Task.FromResult("border_up 1\n"), NullLogger.Instance);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        var response = await http.GetAsync($"http://127.0.0.1:{listener.Endpoint.Port}/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
