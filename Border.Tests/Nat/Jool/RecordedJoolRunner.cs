using Border.Routing.Processes;

namespace Border.Tests.Nat.Jool;

/// <summary>Replays recordings of the real jool CLI (Recorded/, made in the VM tier) in the order a test expects,
/// and fails loudly on any call that is not the next one expected.</summary>
/// <remarks>A recording's file argument names its input file; the engine's instance file carries the same file
/// name in a folder of the test's own, so arguments are compared with paths reduced to file names.</remarks>
internal sealed class RecordedJoolRunner(params string[] expected) : ICommandRunner
{
    public const string Jool = "/usr/bin/jool";
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Nat", "Jool", "Recorded");
    private readonly Queue<string> pending = new(expected);

    public Task<CommandResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        Assert.Equal(Jool, program);
        var given = string.Join(' ', arguments.Select(Normalize));
        if (!pending.TryDequeue(out var name))
        {
            Assert.Fail($"unexpected call: jool {given}");
        }

        var recorded = string.Join(' ', File.ReadAllLines(Path.Combine(Folder, name + ".args")).Select(Normalize));
        Assert.True(recorded == given, $"expected the call of recording {name} (jool {recorded}), got jool {given}");
        return Task.FromResult(new CommandResult(
            int.Parse(File.ReadAllText(Path.Combine(Folder, name + ".exit")).Trim(), System.Globalization.CultureInfo.InvariantCulture),
            File.ReadAllText(Path.Combine(Folder, name + ".stdout")),
            File.ReadAllText(Path.Combine(Folder, name + ".stderr"))));
    }

    /// <summary>Fails unless every expected call was made.</summary>
    public void AssertAllCalled() =>
        Assert.True(pending.Count == 0, $"calls never made: {string.Join(", ", pending)}");

    private static string Normalize(string argument) =>
        argument.EndsWith(".json", StringComparison.Ordinal) ? Path.GetFileName(argument) : argument;
}
