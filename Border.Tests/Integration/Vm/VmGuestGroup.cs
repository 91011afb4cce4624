using Border.Routing.Processes;

namespace Border.Tests.Integration.Vm;

/// <summary>The VM tier's one boot: the scenario group jool-border then jool-smoke (tests/vm/README.md), made by the
/// first test that asks and shared by every test of the tier.</summary>
/// <remarks>One group, because nothing in the guest loads Jool's module but border: jool-border shows border loading
/// it, and jool-smoke drives jool by hand with the module border left loaded.</remarks>
public sealed class VmGuestGroup : IDisposable
{
    /// <summary>The scenarios, in the order the guest runs them.</summary>
    public static readonly string[] Scenarios = ["jool-border", "jool-smoke"];

    private readonly string share = Path.Combine(Path.GetTempPath(), $"border-vm.group.{Environment.ProcessId}");
    private readonly SemaphoreSlim gate = new(1, 1);
    private GuestResult? result;

    /// <summary>The group's run, booting the guest the first time; skips or fails as <see cref="Requires.VmGuestBooted"/> says.</summary>
    internal async Task<GuestResult> GetAsync()
    {
        Requires.RootAndNetworkNamespaces();
        await gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            result ??= await BootAsync();
        }
        finally
        {
            gate.Release();
        }

        Requires.VmGuestBooted(result.Run);
        TestContext.Current.AddAttachment("guest output", result.Run.StandardOutput + result.Run.StandardError);
        return result;
    }

    public void Dispose()
    {
        gate.Dispose();
        if (result is { Run.ExitCode: 0 } && Directory.Exists(share))
        {
            Directory.Delete(share, recursive: true);
        }
    }

    private async Task<GuestResult> BootAsync()
    {
        var root = TestPaths.RepositoryRoot;
        var border = Path.Combine(root, "artifacts", "bin", "border");
        Assert.True(File.Exists(border), $"{border} is missing: publish border first (scripts/publish.sh; test.sh does)");
        if (Directory.Exists(share))
        {
            Directory.Delete(share, recursive: true);
        }

        // run-scenario.sh takes its share and extra files from the environment; env passes them as arguments.
        // One vCPU: on a loaded 2-core host the guest ran jool-border's setup about 3 times faster with one
        // emulated CPU than with two, whose threads wait on each other when the host deschedules one.
        var run = await new ProcessCommandRunner().RunAsync(
            "/usr/bin/env",
            [
                "BORDER_VM_SMP=1",
                $"BORDER_VM_SHARE={share}",
                $"BORDER_VM_FILES={border} {Path.Combine(root, "tests", "vm", "record-jool.sh")}",
                Path.Combine(root, "tests", "vm", "run-scenario.sh"),
                string.Join(',', Scenarios),
                "840",
            ],
            TimeSpan.FromMinutes(15));
        return new GuestResult(run, share);
    }
}

/// <summary>What the guest run left: the host's output and the share with the scenarios' files.</summary>
internal sealed record GuestResult(CommandResult Run, string Share)
{
    public string File(string name) => Path.Combine(Share, name);

    /// <summary>The exit status of one scenario of the group, or null when it never ended (the guest stopped first).</summary>
    public int? ScenarioStatus(string scenario) =>
        System.IO.File.Exists(File($"{scenario}.status")) && int.TryParse(System.IO.File.ReadAllText(File($"{scenario}.status")).Trim(), out var status)
            ? status
            : null;

    /// <summary>checks.log as name to outcome; a check that ran twice keeps its last outcome.</summary>
    public IReadOnlyDictionary<string, (bool Passed, string Why)> Checks()
    {
        var log = File("checks.log");
        var checks = new Dictionary<string, (bool, string)>(StringComparer.Ordinal);
        foreach (var line in System.IO.File.Exists(log) ? System.IO.File.ReadAllLines(log) : [])
        {
            var passed = line.StartsWith("PASS ", StringComparison.Ordinal);
            var rest = line[5..];
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            checks[colon < 0 ? rest : rest[..colon]] = (passed, colon < 0 ? "" : rest[(colon + 2)..]);
        }

        return checks;
    }

    /// <summary>The host's output, and the guest's border log and console, for a failure message.</summary>
    public string Logs() => string.Join(
        "\n",
        $"exit {Run.ExitCode}",
        Run.StandardOutput,
        Run.StandardError,
        Tail("border.log", 150),
        Tail("console.log", 40));

    private string Tail(string name, int lines) =>
        System.IO.File.Exists(File(name))
            ? $"---- last {lines} lines of {File(name)} ----\n" + string.Join('\n', System.IO.File.ReadLines(File(name)).TakeLast(lines))
            : $"---- no {name} in {Share} ----";
}
