using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Nat.Unbound;

/// <summary><see cref="IUnboundControl"/> over <c>unbound-checkconf</c> and <c>unbound-control</c>.</summary>
internal sealed class UnboundCli(ICommandRunner runner, NatToolOptions tools) : IUnboundControl
{
    public Task CheckConfigAsync(string configPath, CancellationToken cancellationToken) =>
        runner.RunCheckedAsync(tools.UnboundCheckconf, [configPath], tools.CommandTimeout, cancellationToken: cancellationToken);

    public Task ReloadAsync(string configPath, bool keepCache, CancellationToken cancellationToken) =>
        ControlAsync(configPath, keepCache ? "reload_keep_cache" : "reload", cancellationToken);

    public Task StatusAsync(string configPath, CancellationToken cancellationToken) =>
        ControlAsync(configPath, "status", cancellationToken);

    public Task StopAsync(string configPath, CancellationToken cancellationToken) =>
        ControlAsync(configPath, "stop", cancellationToken);

    public Task StartAsync(IReadOnlyList<string> startCommand, CancellationToken cancellationToken) =>
        runner.RunCheckedAsync(startCommand[0], [.. startCommand.Skip(1)], tools.CommandTimeout, cancellationToken: cancellationToken);

    private Task ControlAsync(string configPath, string command, CancellationToken cancellationToken) =>
        runner.RunCheckedAsync(tools.UnboundControl, ["-c", configPath, command], tools.CommandTimeout, cancellationToken: cancellationToken);
}
