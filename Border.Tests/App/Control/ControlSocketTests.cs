using System.Net.Sockets;
using System.Text;
using Border.App.Control;
using Border.App.Logging;
using Border.Tests.Nat.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.App.Control;

public sealed class ControlSocketTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly string directory = Directory.CreateTempSubdirectory("border-control-").FullName;
    private readonly RecordingHandler handler = new();
    private readonly RecordingLogger<ControlServer> log = new();

    private string SocketPath => Path.Combine(directory, "control.sock");

    public ValueTask DisposeAsync()
    {
        Directory.Delete(directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Send_WellFormedRequest_ReachesHandlerWithThePeerAndReturnsItsAnswer()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, NullLogger.Instance);

        var response = await ControlClient.SendAsync(SocketPath, new ControlRequest("drain", ["nat64"], "maintenance"), Timeout);

        Assert.True(response.Ok);
        Assert.Equal("handled drain", response.Message);
        var (request, peer) = Assert.Single(handler.Requests);
        Assert.Equal(new ControlRequest("drain", ["nat64"], "maintenance").Command, request.Command);
        Assert.Equal(["nat64"], request.Services);
        Assert.Equal(Environment.ProcessId, peer.ProcessId);
        Assert.Equal(Environment.UserName, peer.UserName);
    }

    [Fact]
    public async Task Malformed_Request_IsRefusedAndTheServerKeepsServing()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, NullLogger.Instance);

        var answer = await SendRawAsync("{ this is not json\n");
        var next = await ControlClient.SendAsync(SocketPath, new ControlRequest("status"), Timeout);

        Assert.StartsWith("{\"ok\":false,\"message\":\"malformed request:", answer, StringComparison.Ordinal);
        Assert.True(next.Ok);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Malformed_RequestWithoutCommand_IsRefused()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, NullLogger.Instance);

        var answer = await SendRawAsync("{\"services\": [\"nat64\"]}\n");

        Assert.StartsWith("{\"ok\":false,\"message\":\"malformed request:", answer, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Start_Socket_IsNotWorldAccessible()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, NullLogger.Instance);

        var mode = File.GetUnixFileMode(SocketPath);

        Assert.Equal(UnixFileMode.None, mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute));
    }

    [Fact]
    public async Task Send_NoSocket_SaysNoDaemonRuns()
    {
        var error = await Assert.ThrowsAsync<ControlUnavailableException>(() => ControlClient.SendAsync(SocketPath, new ControlRequest("status"), Timeout));

        Assert.Equal($"no border daemon is running here: {SocketPath} does not exist (start it with 'border run')", error.Message);
    }

    [Fact]
    public async Task Send_StaleSocket_SaysNothingListens()
    {
        // Bound but not listening: what a daemon that died leaves behind, as connect sees it.
        using var stale = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        stale.Bind(new UnixDomainSocketEndPoint(SocketPath));

        var error = await Assert.ThrowsAsync<ControlUnavailableException>(() => ControlClient.SendAsync(SocketPath, new ControlRequest("status"), Timeout));

        Assert.Equal($"no border daemon is running here: nothing listens on {SocketPath} (start it with 'border run')", error.Message);
    }

    [Fact]
    public async Task Garbage_BinaryBytes_IsRefusedLoggedAndTheServerKeepsServing()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, log);

        var answer = await SendRawAsync("\u0001\u00ff\u0000garbage\u0007\n");

        Assert.StartsWith("{\"ok\":false,\"message\":\"malformed request:", answer, StringComparison.Ordinal);
        Assert.Contains(log.Entries, entry => entry.EventId == AppEventIds.ControlRequestRefused && entry.Message.StartsWith("control request refused: malformed request:", StringComparison.Ordinal));
        Assert.True((await ControlClient.SendAsync(SocketPath, new ControlRequest("status"), Timeout)).Ok);
    }

    [Fact]
    public async Task HugeLine_LongerThanTheLimit_IsRefusedWithoutWaitingForItsEnd()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, log);
        using var socket = await ConnectAsync();

        // More than the limit and no newline: the server answers once the limit is passed, not at the end.
        var sending = socket.SendAsync(new byte[ControlServer.MaxRequestBytes + 4096], SocketFlags.None);
        var answer = await ReadLineAsync(socket);

        Assert.Equal($"{{\"ok\":false,\"message\":\"malformed request: longer than {ControlServer.MaxRequestBytes} bytes\"}}", answer);
        Assert.Empty(handler.Requests);
        Assert.Contains(log.Entries, entry => entry.Message == $"control request refused: malformed request: longer than {ControlServer.MaxRequestBytes} bytes");
        socket.Dispose();
        try
        {
            await sending.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        }
        catch (SocketException)
        {
            // The server stopped reading at the limit and closed: the rest of the line has nowhere to go.
        }

        Assert.True((await ControlClient.SendAsync(SocketPath, new ControlRequest("status"), Timeout)).Ok);
    }

    [Fact]
    public async Task HalfJson_ThenTheClientStopsSending_IsRefusedAsMalformed()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, log);
        using var socket = await ConnectAsync();

        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"command\": \"dra"), SocketFlags.None);
        socket.Shutdown(SocketShutdown.Send);
        var answer = await ReadLineAsync(socket);

        Assert.StartsWith("{\"ok\":false,\"message\":\"malformed request:", answer, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task ClosedMidRequest_IsLoggedAndTheServerKeepsServing()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, log);
        using (var socket = await ConnectAsync())
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes("{\"command\":"), SocketFlags.None);
        }

        await WaitForLogAsync(entry => entry.EventId is AppEventIds.ControlConnectionFailed or AppEventIds.ControlRequestRefused);

        Assert.True((await ControlClient.SendAsync(SocketPath, new ControlRequest("status"), Timeout)).Ok);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task ConnectedThenClosedWithoutAWord_IsRefusedAsEmpty()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, log);
        using var socket = await ConnectAsync();

        socket.Shutdown(SocketShutdown.Send);
        var answer = await ReadLineAsync(socket);

        Assert.Equal("{\"ok\":false,\"message\":\"malformed request: the connection closed before a request arrived\"}", answer);
    }

    [Fact]
    public async Task ManyConnectionsAtOnce_BeyondTheLimit_AreRefusedAtOnceAndTheServerKeepsServing()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, log);
        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < ControlServer.MaxConnections; i++)
            {
                idle.Add(await ConnectAsync());
            }

            using var extra = await ConnectAsync();
            var refused = await ReadLineAsync(extra);

            Assert.Equal($"{{\"ok\":false,\"message\":\"too many control connections at once (at most {ControlServer.MaxConnections}); try again\"}}", refused);
            var request = Encoding.UTF8.GetBytes("{\"command\":\"status\"}\n");
            foreach (var socket in idle)
            {
                await socket.SendAsync(request, SocketFlags.None);
            }

            foreach (var socket in idle)
            {
                Assert.Equal("{\"ok\":true,\"message\":\"handled status\"}", await ReadLineAsync(socket));
            }
        }
        finally
        {
            idle.ForEach(socket => socket.Dispose());
        }

        Assert.Equal(ControlServer.MaxConnections, handler.Requests.Count);
        Assert.Contains(log.Entries, entry => entry.EventId == AppEventIds.ControlRequestRefused && entry.Message.Contains("too many control connections", StringComparison.Ordinal));
        await WaitForAnswerAsync();
    }

    [Fact]
    public async Task HandlerFails_TheRequestGetsTheErrorAndTheServerKeepsServing()
    {
        await using var server = ControlServer.Start(SocketPath, "border", handler, log);

        var answer = await ControlClient.SendAsync(SocketPath, new ControlRequest(RecordingHandler.Failing), Timeout);

        Assert.False(answer.Ok);
        Assert.Equal("the request failed inside border: handler exploded", answer.Message);
        Assert.Contains(log.Entries, entry => entry.EventId == AppEventIds.ControlHandlerFailed && entry.Message.Contains("handler exploded", StringComparison.Ordinal));
        Assert.True((await ControlClient.SendAsync(SocketPath, new ControlRequest("status"), Timeout)).Ok);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), TestContext.Current.CancellationToken);
        return socket;
    }

    /// <summary>Reads the answer line; works on a socket whose sending side the test has shut down.</summary>
    internal static async Task<string> ReadLineAsync(Socket socket)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Timeout);
        var answer = new List<byte>();
        var buffer = new byte[4096];
        while (!answer.Contains((byte)'\n'))
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token);
            if (read == 0)
            {
                break;
            }

            answer.AddRange(buffer.AsSpan(0, read));
        }

        return Encoding.UTF8.GetString([.. answer]).Split('\n')[0];
    }

    /// <summary>Waits, bounded, for a log entry the server writes after the test's own step has ended.</summary>
    private async Task WaitForLogAsync(Func<(int EventId, Microsoft.Extensions.Logging.LogLevel Level, string Message), bool> match)
    {
        for (var round = 0; round < 250 && !log.Entries.Any(match); round++)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Contains(log.Entries, entry => match(entry));
    }

    /// <summary>Waits, bounded, until a well-formed request is answered again (the slots of finished requests are
    /// given back just after their answers are sent).</summary>
    private async Task WaitForAnswerAsync()
    {
        for (var round = 0; round < 250; round++)
        {
            if ((await ControlClient.SendAsync(SocketPath, new ControlRequest("status"), Timeout)).Ok)
            {
                return;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Fail("the server never answered a well-formed request again");
    }

    private async Task<string> SendRawAsync(string text)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), SocketFlags.None);
        using var reader = new StreamReader(new NetworkStream(socket, ownsSocket: false));
        return await reader.ReadLineAsync() ?? "";
    }

    private sealed class RecordingHandler : IControlHandler
    {
        public System.Collections.Concurrent.ConcurrentBag<(ControlRequest Request, ControlPeer Peer)> Requests { get; } = [];

        public const string Failing = "fail";

        public Task<ControlResponse> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellationToken)
        {
            if (request.Command == Failing)
            {
                throw new InvalidOperationException("handler exploded");
            }

            Requests.Add((request, peer));
            return Task.FromResult(new ControlResponse(true, $"handled {request.Command}"));
        }
    }
}
