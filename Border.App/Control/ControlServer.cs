using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Border.App.Logging;
using Microsoft.Extensions.Logging;

namespace Border.App.Control;

/// <summary>Serves the control socket: one request line, one response line, per connection.</summary>
/// <remarks>The socket is a local Unix socket owned by the daemon's user, root: mode 0660 and the access group
/// when the name service knows that group (<c>daemon.control_group</c>, <c>border</c> by default), else mode 0600,
/// root only. The kernel checks the mode on connect, so any other uid gets no connection at all. A malformed
/// request, an oversized one, or one that does not arrive in time gets an error response and never disturbs the
/// daemon; neither does a client that goes away mid-request, nor a handler that fails. At most
/// <see cref="MaxConnections"/> requests are served at once; a connection beyond that is answered at once with an
/// error, so a flood costs the daemon a bounded amount of memory and no waiting. Every refusal is logged with its
/// reason.</remarks>
internal sealed partial class ControlServer : IAsyncDisposable
{
    /// <summary>The requests served at once.</summary>
    public const int MaxConnections = 32;

    /// <summary>The longest request line.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>chown's "leave this id as it is".</summary>
    private const uint Unchanged = uint.MaxValue;
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

    /// <summary>Binds the socket (replacing a stale one a previous run left), gives it to root and
    /// <paramref name="accessGroup"/>, and starts serving.</summary>
    public static ControlServer Start(string path, string accessGroup, IControlHandler handler, ILogger logger)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        File.Delete(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));

            // Before listen: until then a connect is refused whatever the mode, so no one connects through the mode
            // the umask gave the new file.
            RestrictAccess(path, accessGroup, logger);
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

    private static void RestrictAccess(string path, string accessGroup, ILogger logger)
    {
        if (AccessGroupId(path, accessGroup, logger) is not { } gid)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return;
        }

        if (Chown(path, Unchanged, gid) != 0)
        {
            throw new IOException($"{path}: cannot give the control socket to group {accessGroup} (gid {gid}): {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
    }

    /// <summary>The access group's gid, or <see langword="null"/> (logged) when the socket stays root only: no such
    /// group, or its name source failing. A daemon that serves its gateway matters more than group access to it.</summary>
    private static uint? AccessGroupId(string path, string accessGroup, ILogger logger)
    {
        try
        {
            var gid = NameService.GroupId(accessGroup);
            if (gid is null)
            {
                LogRootOnly(logger, path, $"the name service knows no group {accessGroup}");
            }

            return gid;
        }
        catch (NameServiceException ex)
        {
            LogRootOnlyAfterFailure(logger, path, $"{ex.Message}; restart border once the name service answers");
            return null;
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint owner, uint group);

    /// <summary>The peer as the handler sees it: a name source down (LDAP, sssd) must not stop a drain, so the peer
    /// is then named by its uid and the log says why.</summary>
    private ControlPeer Identify(Socket connection)
    {
        var (processId, userId) = PeerCredentials.Read(connection);
        string? name;
        try
        {
            name = NameService.UserName(userId);
        }
        catch (NameServiceException ex)
        {
            LogPeerUnnamed(logger, userId, ex.Message);
            name = null;
        }

        return new ControlPeer(processId, userId, name ?? $"uid {userId}");
    }

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
                var peer = Identify(connection);
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

    [LoggerMessage(EventId = AppEventIds.ControlSocketRootOnly, Level = LogLevel.Information, Message = "control socket {Path} is root only: {Reason}")]
    private static partial void LogRootOnly(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = AppEventIds.ControlSocketRootOnly, Level = LogLevel.Warning, Message = "control socket {Path} is root only: {Reason}")]
    private static partial void LogRootOnlyAfterFailure(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = AppEventIds.ControlPeerUnnamed, Level = LogLevel.Warning, Message = "control peer uid {UserId} is named by its uid: {Reason}")]
    private static partial void LogPeerUnnamed(ILogger logger, uint userId, string reason);
}
