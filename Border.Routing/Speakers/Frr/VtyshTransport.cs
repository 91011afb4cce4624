using Border.Routing.Processes;

namespace Border.Routing.Speakers.Frr;

/// <summary>FRR through vtysh, one process per call, arguments as a list (never a shell string).</summary>
internal sealed class VtyshTransport : IFrrTransport
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FrrOptions options;
    private readonly ICommandRunner runner;

    public VtyshTransport(FrrOptions options, ICommandRunner runner)
    {
        this.options = options;
        this.runner = runner;
    }

    public async Task<string> ShowJsonAsync(string command, CancellationToken cancellationToken)
    {
        var result = await RunAsync(["-c", command], cancellationToken).ConfigureAwait(false);
        return result.StandardOutput;
    }

    public async Task<IReadOnlyList<string>> ShowJsonEachAsync(IReadOnlyList<string> commands, CancellationToken cancellationToken)
    {
        var result = await RunAsync([.. commands.SelectMany(command => (string[])["-c", command])], cancellationToken).ConfigureAwait(false);
        var answers = FrrJson.ParseEach(result.StandardOutput);
        if (answers.Count != commands.Count)
        {
            throw new SpeakerException(
                $"FRR ({Where}) answered {answers.Count} JSON documents to {commands.Count} commands ({string.Join("; ", commands)}): {result.StandardOutput.Trim()}");
        }

        return [.. answers.Select(answer => answer.GetRawText())];
    }

    public async Task ConfigureAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        List<string> arguments = ["-c", "configure terminal"];
        foreach (var line in lines)
        {
            arguments.Add("-c");
            arguments.Add(line);
        }

        var result = await RunAsync(arguments, cancellationToken).ConfigureAwait(false);

        // vtysh reports a refused line with a "%" message; it does not always say so in its exit code.
        var refusal = result.StandardOutput.Split('\n').FirstOrDefault(line => line.StartsWith('%'));
        if (refusal is not null)
        {
            throw new SpeakerException($"FRR ({Where}) refused configuration: {refusal.Trim()}");
        }
    }

    private string Where => options.VtySocketDirectory ?? "default vty sockets";

    private async Task<CommandResult> RunAsync(List<string> arguments, CancellationToken cancellationToken)
    {
        if (options.VtySocketDirectory is { } directory)
        {
            arguments.InsertRange(0, ["--vty_socket", directory]);
        }

        try
        {
            return await runner.RunCheckedAsync(options.Vtysh, arguments, Timeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (CommandFailedException ex)
        {
            throw new SpeakerException($"FRR ({Where}): {ex.Message}", ex);
        }
    }
}
