using System.Net.Sockets;
using System.Text;
using Border.App.Control;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.App.Control;

public sealed class ControlSocketTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly string directory = Directory.CreateTempSubdirectory("border-control-").FullName;
    private readonly RecordingHandler handler = new();

    private string SocketPath => Path.Combine(directory, "control.sock");

    public ValueTask DisposeAsync()
    {
        Directory.Delete(directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Send_WellFormedRequest_ReachesHandlerWithThePeerAndReturnsItsAnswer()
    {
        await using var server = ControlServer.Start(SocketPath, handler, NullLogger.Instance);

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
        await using var server = ControlServer.Start(SocketPath, handler, NullLogger.Instance);

        var answer = await SendRawAsync("{ this is not json\n");
        var next = await ControlClient.SendAsync(SocketPath, new ControlRequest("status"), Timeout);

        Assert.StartsWith("{\"ok\":false,\"message\":\"malformed request:", answer, StringComparison.Ordinal);
        Assert.True(next.Ok);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Malformed_RequestWithoutCommand_IsRefused()
    {
        await using var server = ControlServer.Start(SocketPath, handler, NullLogger.Instance);

        var answer = await SendRawAsync("{\"services\": [\"nat64\"]}\n");

        Assert.StartsWith("{\"ok\":false,\"message\":\"malformed request:", answer, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Start_Socket_IsNotWorldAccessible()
    {
        await using var server = ControlServer.Start(SocketPath, handler, NullLogger.Instance);

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
        public List<(ControlRequest Request, ControlPeer Peer)> Requests { get; } = [];

        public Task<ControlResponse> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellationToken)
        {
            Requests.Add((request, peer));
            return Task.FromResult(new ControlResponse(true, $"handled {request.Command}"));
        }
    }
}
