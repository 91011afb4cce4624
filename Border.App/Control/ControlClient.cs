using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Border.App.Control;

/// <summary>The daemon cannot be reached; the message says why in words an operator can act on.</summary>
internal sealed class ControlUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Sends one request to the daemon's control socket and reads its answer.</summary>
internal static class ControlClient
{
    public static async Task<ControlResponse> SendAsync(string path, ControlRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            throw new ControlUnavailableException($"no border daemon is running here: {path} does not exist (start it with 'border run')");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), deadline.Token);
            var line = JsonSerializer.Serialize(request, ControlJson.Default.ControlRequest) + "\n";
            await socket.SendAsync(Encoding.UTF8.GetBytes(line), SocketFlags.None, deadline.Token);
            using var stream = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var answer = await reader.ReadLineAsync(deadline.Token)
                ?? throw new ControlUnavailableException($"the border daemon at {path} closed the connection without answering");
            return JsonSerializer.Deserialize(answer, ControlJson.Default.ControlResponse)
                ?? throw new ControlUnavailableException($"the border daemon at {path} answered nothing");
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            throw new ControlUnavailableException($"no border daemon is running here: nothing listens on {path} (start it with 'border run')", ex);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AccessDenied)
        {
            throw new ControlUnavailableException($"permission denied on {path}: {SocketAccess.Advice(path)}", ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControlUnavailableException($"the border daemon at {path} did not answer within {timeout.TotalSeconds:0} s");
        }
        catch (JsonException ex)
        {
            throw new ControlUnavailableException($"the border daemon at {path} answered something that is not a response: {ex.Message}", ex);
        }
    }
}
