using Border.Nat.Jool;
using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Tests.Nat.Jool;

public sealed class JoolCliTests
{
    [Fact]
    public async Task Read_ModuleBeingRemoved_IsTheModuleMissingNotACommandFailure()
    {
        // What jool-tools 4.1.9 printed in the VM tier when `modprobe -r jool` raced a probe's pool4 read.
        var cli = new JoolCli(new OneAnswer(new CommandResult(22, "", "Error: The kernel module returned error 22: NAT64 Jool has not been modprobed. (Try `modprobe jool`)\n")), new NatToolOptions());

        var missing = await Assert.ThrowsAsync<JoolModuleMissingException>(() => cli.ReadInstanceAsync("border", TestContext.Current.CancellationToken));

        Assert.Equal("jool kernel module not loaded (Error: The kernel module returned error 22: NAT64 Jool has not been modprobed. (Try `modprobe jool`))", missing.Message);
    }

    private sealed class OneAnswer(CommandResult answer) : ICommandRunner
    {
        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, string? standardInput = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(answer);
    }
}
