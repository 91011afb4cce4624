using Border.Nat.Jool;
using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Tests.Nat.Jool;

public sealed class JoolCliTests
{
    [Fact]
    public async Task Read_ModuleBeingRemoved_IsTheModuleMissingNotACommandFailure()
    {
        // What jool-tools 4.1.9 printed in the VM tier when `modprobe -r jool` raced a probe's read.
        var runner = new OneAnswer(
            "/usr/bin/jool",
            ["instance", "display", "--csv"],
            new CommandResult(22, "", "Error: The kernel module returned error 22: NAT64 Jool has not been modprobed. (Try `modprobe jool`)\n"));
        var cli = new JoolCli(runner, new NatToolOptions());

        var missing = await Assert.ThrowsAsync<JoolModuleMissingException>(() => cli.ReadInstanceAsync("border", TestContext.Current.CancellationToken));

        Assert.Equal("jool kernel module not loaded (Error: The kernel module returned error 22: NAT64 Jool has not been modprobed. (Try `modprobe jool`))", missing.Message);
        runner.AssertAnswered();
    }

    [Fact]
    public async Task LoadModule_RunsModprobeJool()
    {
        var runner = new OneAnswer("/usr/sbin/modprobe", ["jool"], new CommandResult(0, "", ""));

        await new JoolCli(runner, new NatToolOptions()).LoadModuleAsync(TestContext.Current.CancellationToken);

        runner.AssertAnswered();
    }

    /// <summary>Answers one call, the one it was made for; any other program or arguments, or a second call, fail the
    /// test.</summary>
    private sealed class OneAnswer(string expectedProgram, IReadOnlyList<string> expectedArguments, CommandResult answer) : ICommandRunner
    {
        private readonly string expected = CommandRunnerExtensions.Describe(expectedProgram, expectedArguments);
        private readonly List<string> calls = [];

        public Task<CommandResult> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan timeout, string? standardInput = null, CancellationToken cancellationToken = default)
        {
            calls.Add(CommandRunnerExtensions.Describe(program, arguments));
            Assert.True(calls is [var only] && only == expected, $"only {expected} is answered, once; called: {string.Join("; ", calls)}");
            return Task.FromResult(answer);
        }

        /// <summary>Fails unless the one call was made, and no other.</summary>
        public void AssertAnswered() => Assert.Equal([expected], calls);
    }
}
