using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Control;

/// <summary>Serves the control socket: one request line, one response line, per connection.</summary>
/// <remarks>The socket is a local Unix socket, mode 0660, group <c>border</c> when that group exists (else
/// root only). A malformed request, an oversized one, or one that does not arrive in time gets an error
/// response and never disturbs the daemon; neither does a client that goes away mid-request, nor a handler
/// that fails. At most <see cref="MaxConnections"/> requests are served at once; a connection beyond that is
/// answered at once with an error, so a flood costs the daemon a bounded amount of memory and no waiting.
/// Every refusal is logged with its reason.</remarks>
internal sealed partial class ControlServer : IAsyncDisposable
{
    /// <summary>The requests served at once.</summary>
    public const int MaxConnections = 32;

    /// <summary>The longest request line.</summary>
    public const int MaxRequestBytes = 64 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The longest a request may take once read: a drain, undrain or reload answers after the pass that
    /// applies it, which waits on the routing daemons.</summary>
    public static readonly TimeSpan HandlingTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket listener;
    private readonly string path;
    private readonly IControlHandler handler;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;
    private readonly DateTime boundAt;
    private int serving;

    private ControlServer(Socket listener, string path, IControlHandler handler, ILogger logger)
    {
        this.listener = listener;
        this.path = path;
        this.handler = handler;
        this.logger = logger;
        boundAt = File.GetLastWriteTimeUtc(path);
        accepting = AcceptLoopAsync();
    }

    /// <summary>Binds the socket (replacing a stale one a previous run left) and starts serving.</summary>
    public static ControlServer Start(string path, IControlHandler handler, ILogger logger)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            RestrictAccess(path);
            listener.Listen(2 * MaxConnections);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new ControlServer(listener, path, handler, logger);
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Dispose();
        await accepting;

        // A daemon started while this one was stopping has bound the path anew: its socket is not ours to remove.
        if (File.GetLastWriteTimeUtc(path) == boundAt)
        {
            File.Delete(path);
        }

        stopping.Dispose();
    }

    private static void RestrictAccess(string path)
    {
        var group = File.ReadLines("/etc/group").Select(line => line.Split(':')).FirstOrDefault(fields => fields[0] == "border");
        if (group is not null && int.TryParse(group[2], out var gid))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            if (Chown(path, -1, gid) != 0)
            {
                throw new IOException($"{path}: cannot give the control socket to group border (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
            }
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = System.Runtime.InteropServices.StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);

    private async Task AcceptLoopAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.AcceptAsync(stopping.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            if (Interlocked.Increment(ref serving) > MaxConnections)
            {
                _ = RefuseAsync(connection);
                continue;
            }

            _ = ServeAsync(connection);
        }
    }

    private async Task RefuseAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                var problem = $"too many control connections at once (at most {MaxConnections}); try again";
                LogRequestRefused(logger, problem);
                await SendAsync(connection, ControlResponse.Failure(problem));
            }
            finally
            {
                Interlocked.Decrement(ref serving);
            }
        }
    }

    private async Task SendAsync(Socket connection, ControlResponse response)
    {
        var bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(response, ControlJson.Default.ControlResponse) + "\n");
        try
        {
            await connection.SendAsync(bytes, SocketFlags.None, stopping.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            LogConnectionFailed(logger, $"the answer could not be sent: {ex.Message}");
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        try
        {
            await ServeRequestAsync(connection);
        }
        finally
        {
            Interlocked.Decrement(ref serving);
        }
    }

    private async Task ServeRequestAsync(Socket connection)
    {
        using (connection)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            deadline.CancelAfter(RequestTimeout);
            ControlResponse response;
            try
            {
                var peer = PeerCredentials.Read(connection);
                var (request, problem) = await ReadRequestAsync(connection, deadline.Token);
                deadline.CancelAfter(HandlingTimeout);
                response = request is null ? ControlResponse.Failure(problem!) : await handler.HandleAsync(request, peer, deadline.Token);
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                response = ControlResponse.Failure($"no complete request within {RequestTimeout.TotalSeconds:0} s, or no answer within {HandlingTimeout.TotalSeconds:0} s more");
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
                LogConnectionFailed(logger, ex.Message);
                return;
            }
            catch (Exception ex)
            {
                // A fault in handling one request is that request's answer, never the daemon's end.
                LogHandlerFailed(logger, ex.ToString());
                response = ControlResponse.Failure($"the request failed inside border: {ex.Message}");
            }

            if (!response.Ok)
            {
                LogRequestRefused(logger, response.Message);
            }

            await SendAsync(connection, response);
        }
    }

    private static async Task<(ControlRequest? Request, string? Problem)> ReadRequestAsync(Socket connection, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes + 1];
        var length = 0;
        while (Array.IndexOf(buffer, (byte)'\n', 0, length) < 0)
        {
            if (length > MaxRequestBytes)
            {
                return (null, $"malformed request: longer than {MaxRequestBytes} bytes");
            }

            var read = await connection.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        if (length == 0)
        {
            return (null, "malformed request: the connection closed before a request arrived");
        }

        var line = Encoding.UTF8.GetString(buffer, 0, length).Split('\n')[0];
        try
        {
            var request = JsonSerializer.Deserialize(line, ControlJson.Default.ControlRequest);
            return request is null ? (null, "malformed request: empty") : (request, null);
        }
        catch (JsonException ex)
        {
            return (null, $"malformed request: {ex.Message}");
        }
    }

    [LoggerMessage(EventId = AppEventIds.ControlRequestRefused, Level = LogLevel.Warning, Message = "control request refused: {Problem}")]
    private static partial void LogRequestRefused(ILogger logger, string problem);

    [LoggerMessage(EventId = AppEventIds.ControlHandlerFailed, Level = LogLevel.Error, Message = "control request failed inside border: {Problem}")]
    private static partial void LogHandlerFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = AppEventIds.ControlConnectionFailed, Level = LogLevel.Warning, Message = "control connection failed: {Problem}")]
    private static partial void LogConnectionFailed(ILogger logger, string problem);
}
