using Border.Nat.Processes;
using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Nat.Unbound;

/// <summary><see cref="IUnboundControl"/> over <c>unbound-checkconf</c>, <c>unbound-control</c> and <c>unbound</c>.</summary>
internal sealed class UnboundCli(ICommandRunner runner, IProcessLauncher launcher, NatToolOptions tools) : IUnboundControl
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

    public IChildProcess Run(string configPath, Action<string> onOutputLine) =>
        launcher.Start(tools.Unbound, ["-d", "-p", "-c", configPath], onOutputLine);

    private Task ControlAsync(string configPath, string command, CancellationToken cancellationToken) =>
        runner.RunCheckedAsync(tools.UnboundControl, ["-c", configPath, command], tools.CommandTimeout, cancellationToken: cancellationToken);
}
