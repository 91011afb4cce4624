using System.Net;
using System.Net.Sockets;
using System.Text;
using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Metrics;

/// <summary>Serves <c>GET /metrics</c> over plain HTTP/1.1 for Prometheus; loopback unless configured otherwise.</summary>
/// <remarks>One request per connection and nothing else: a scrape endpoint needs no web framework, and the
/// appliance stays one small binary. Every connection has a deadline, so a stuck client holds nothing.</remarks>
internal sealed partial class MetricsListener : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private readonly TcpListener listener;
    private readonly Func<CancellationToken, Task<string>> scrape;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;

    private MetricsListener(TcpListener listener, Func<CancellationToken, Task<string>> scrape, ILogger logger)
    {
        this.listener = listener;
        this.scrape = scrape;
        this.logger = logger;
        accepting = AcceptLoopAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)listener.LocalEndpoint;

    public static MetricsListener Start(IPEndPoint endpoint, Func<CancellationToken, Task<string>> scrape, ILogger logger)
    {
        var listener = new TcpListener(endpoint);
        listener.Start();
        return new MetricsListener(listener, scrape, logger);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        await accepting;
        stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token))
        {
            deadline.CancelAfter(RequestTimeout);
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(deadline.Token) ?? "";
                var (status, body) = requestLine.StartsWith("GET /metrics ", StringComparison.Ordinal)
                    ? ("200 OK", await scrape(deadline.Token))
                    : ("404 Not Found", "border serves only GET /metrics\n");
                var payload = Encoding.UTF8.GetBytes(body);
                var head = $"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), deadline.Token);
                await stream.WriteAsync(payload, deadline.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
                LogScrapeFailed(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = AppEventIds.MetricsScrapeFailed, Level = LogLevel.Debug, Message = "metrics scrape failed: {Problem}")]
    private static partial void LogScrapeFailed(ILogger logger, string problem);
}
