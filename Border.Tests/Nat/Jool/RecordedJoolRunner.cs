using Border.Routing.Processes;

namespace Border.Tests.Nat.Jool;

/// <summary>Replays recordings of the real jool CLI and of modprobe (Recorded/, made in the VM tier) in the order a
/// test expects, and fails loudly on any call that is not the next one expected.</summary>
/// <remarks>A recording's file argument names its input file; the engine's instance file carries the same file
/// name in a folder of the test's own, so arguments are compared with paths reduced to file names. Recordings named
/// <c>modprobe-*</c> (<c>host-no-module-modprobe-*</c> on the host) are calls of modprobe, the others of jool. The
/// engine turns a failing call into a finding, which would hide the failure, so every call the recordings refuse is
/// also kept, and <see cref="AssertAllCalled"/> fails on it.</remarks>
internal sealed class RecordedJoolRunner(params string[] expected) : ICommandRunner
{
    public const string Jool = "/usr/bin/jool";
    public const string Modprobe = "/usr/sbin/modprobe";
    private const string HostPrefix = "host-no-module-";
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Nat", "Jool", "Recorded");
    private readonly Queue<string> pending = new(expected);
    private readonly List<string> refused = [];

    public Task<CommandResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string? standardInput = null,
        CancellationToken cancellationToken = default)
    {
        var given = $"{program} {string.Join(' ', arguments.Select(Normalize))}";
        if (!pending.TryDequeue(out var name))
        {
            Refuse($"unexpected call: {given}");
        }

        var recorded = $"{ProgramOf(name)} {string.Join(' ', File.ReadAllLines(Path.Combine(Folder, name + ".args")).Select(Normalize))}";
        if (recorded != given)
        {
            Refuse($"expected the call of recording {name} ({recorded}), got {given}");
        }

        return Task.FromResult(new CommandResult(
            int.Parse(File.ReadAllText(Path.Combine(Folder, name + ".exit")).Trim(), System.Globalization.CultureInfo.InvariantCulture),
            File.ReadAllText(Path.Combine(Folder, name + ".stdout")),
            File.ReadAllText(Path.Combine(Folder, name + ".stderr"))));
    }

    /// <summary>Fails unless every expected call was made, and no other.</summary>
    public void AssertAllCalled()
    {
        Assert.True(refused.Count == 0, string.Join("; ", refused));
        Assert.True(pending.Count == 0, $"calls never made: {string.Join(", ", pending)}");
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Refuse(string violation)
    {
        refused.Add(violation);
        Assert.Fail(violation);
    }

    private static string ProgramOf(string recording) =>
        (recording.StartsWith(HostPrefix, StringComparison.Ordinal) ? recording[HostPrefix.Length..] : recording)
            .StartsWith("modprobe-", StringComparison.Ordinal) ? Modprobe : Jool;

    private static string Normalize(string argument) =>
        argument.EndsWith(".json", StringComparison.Ordinal) ? Path.GetFileName(argument) : argument;
}
