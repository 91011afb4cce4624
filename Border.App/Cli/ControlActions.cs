using System.CommandLine;
using System.Text.Json;
using Border.App.Control;
using Border.App.Rendering;
using Border.Routing.Attractions;

namespace Border.App.Cli;

/// <summary>The commands that ask the running daemon: status, drain, undrain, reload.</summary>
internal static class ControlActions
{
    /// <summary>Long enough for the daemon's own limits: the request's reading and then its handling.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5) + ControlServer.HandlingTimeout;
    private static readonly ControlJson IndentedJson = new(new JsonSerializerOptions(ControlJson.Default.Options) { WriteIndented = true });

    public static async Task<int> StatusAsync(ParseResult parse, StatusCommand command, CancellationToken cancellationToken)
    {
        var response = await SendAsync(parse, parse.GetRequiredValue(command.Socket), new ControlRequest("status"), cancellationToken);
        if (response?.Status is not { } report)
        {
            return ExitCodes.RuntimeFailure;
        }

        parse.InvocationConfiguration.Output.Write(parse.GetValue(command.Json)
            ? JsonSerializer.Serialize(report, IndentedJson.StatusReport) + "\n"
            : StatusView.Render(report));
        return ExitCodes.Ok;
    }

    public static async Task<int> DrainAsync(ParseResult parse, DrainCommand command, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> services = parse.GetValue(command.All)
            ? [.. ServiceNames.All.Select(service => service.Name())]
            : [parse.GetRequiredValue(command.Service)];
        var request = new ControlRequest(command.Name, services, parse.GetValue(command.Reason));
        return await SendAndPrintAsync(parse, parse.GetRequiredValue(command.Socket), request, cancellationToken);
    }

    public static Task<int> ReloadAsync(ParseResult parse, ReloadCommand command, CancellationToken cancellationToken) =>
        SendAndPrintAsync(parse, parse.GetRequiredValue(command.Socket), new ControlRequest("reload"), cancellationToken);

    private static async Task<int> SendAndPrintAsync(ParseResult parse, string socket, ControlRequest request, CancellationToken cancellationToken)
    {
        var response = await SendAsync(parse, socket, request, cancellationToken);
        if (response is null)
        {
            return ExitCodes.RuntimeFailure;
        }

        parse.InvocationConfiguration.Output.WriteLine(response.Message);
        return ExitCodes.Ok;
    }

    private static async Task<ControlResponse?> SendAsync(ParseResult parse, string socket, ControlRequest request, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            var response = await ControlClient.SendAsync(socket, request, Timeout, cancellationToken);
            if (response.Ok)
            {
                return response;
            }

            error.WriteLine($"border {request.Command}: the daemon refused: {response.Message}");
        }
        catch (ControlUnavailableException ex)
        {
            error.WriteLine($"border {request.Command}: {ex.Message}");
        }

        return null;
    }
}
