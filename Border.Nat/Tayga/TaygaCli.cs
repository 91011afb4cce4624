using Border.Nat.Processes;
using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Nat.Tayga;

/// <summary><see cref="ITayga"/> over the <c>tayga</c> command.</summary>
internal sealed class TaygaCli(ICommandRunner runner, IProcessLauncher launcher, NatToolOptions tools) : ITayga
{
    public async Task MakeTunAsync(string configPath, CancellationToken cancellationToken) =>
        await runner.RunCheckedAsync(tools.Tayga, ["--mktun", "--config", configPath], tools.CommandTimeout, cancellationToken: cancellationToken)
            .ConfigureAwait(false);

    public IChildProcess Start(string configPath, Action<string> onOutputLine) =>
        launcher.Start(tools.Tayga, ["--nodetach", "--config", configPath], onOutputLine);
}
