using System.Text.RegularExpressions;
using Border.Routing.Processes;

namespace Border.Tests.Integration.Vm;

/// <summary>The VM tier's border scenario group (tests/vm/scenarios/jool-border.sh), booted once for the class:
/// the published border runs its Jool engine against the real module, with FRR in a neighbour namespace as the
/// judge, through three kinds of Jool fault and a drain; the guest also re-records the jool CLI.</summary>
[Collection(VmGuestCollection.Name)]
public sealed partial class JoolBorderGuestTests(JoolBorderGuestRun run) : IClassFixture<JoolBorderGuestRun>
{
    private static readonly string[] Faults = ["instance-removed", "module-removed", "pool4-flushed"];

    private static readonly string[] FaultChecks =
        ["withdrawn-at-core", "reason-in-status", "reason-in-log", "reannounced", "healed", "nat64-up", "ping-after"];

    /// <summary>What the scenario checks, in its order, with one trial of each fault (its default).</summary>
    private static readonly string[] ExpectedChecks =
    [
        "recorded", "ospf6-adjacency", "gw-learns-client-lan", "config-valid", "announced-at-core",
        "status-nat64-healthy", "status-readback", "jool-instance-pool6", "jool-instance-mtu", "jool-instance-pool4-tcp",
        "jool-instance-pool4-icmp", "ping-through-jool", "tcp-through-jool", "dns64-synthesizes", "tcp-through-dns64-name",
        .. from fault in Faults from check in FaultChecks select $"{fault}-1-{check}",
        "drain-connection-opened", "drain-withdrawn-at-core", "drain-in-status", "drain-session-kept",
        "drain-connection-carries-data", "undrain-reannounced", "stop-withdrawn",
    ];

    [Fact]
    public async Task JoolBorder_RealModule_EveryCheckOfApplyFaultsHealAndDrainPasses()
    {
        var guest = await run.GetAsync();

        var checks = guest.Checks();
        var failed = checks.Where(check => !check.Value.Passed).Select(check => $"{check.Key}: {check.Value.Why}").ToList();
        var missing = ExpectedChecks.Where(name => !checks.ContainsKey(name)).ToList();
        Assert.True(
            failed.Count == 0 && missing.Count == 0,
            $"failed: [{string.Join("; ", failed)}]; never ran: [{string.Join(", ", missing)}]\n{guest.Logs()}");
        Assert.True(guest.Run.Succeeded, $"the scenario passed every check but exited {guest.Run.ExitCode}\n{guest.Logs()}");
        Assert.Equal(Faults.Length, File.ReadAllLines(guest.File("timings.csv")).Skip(1).Count(line => TimingLine().IsMatch(line)));
    }

    [Fact]
    public async Task RecordedJool_GuestRecordsAgain_MatchesTheCommittedRecordings()
    {
        var guest = await run.GetAsync();
        var committed = Path.Combine(TestPaths.RepositoryRoot, "Border.Tests", "Nat", "Jool", "Recorded");
        var fresh = guest.File("recorded");
        Assert.True(Directory.Exists(fresh), $"the guest recorded nothing\n{guest.Logs()}");

        var names = Directory.GetFiles(fresh).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var expected = Directory.GetFiles(committed).Select(Path.GetFileName)
            .Where(name => !name!.StartsWith("host-", StringComparison.Ordinal) && !name.StartsWith('.') && name != "README.md")
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, names);
        var drifted = names
            .Where(name => Normalize(name!, File.ReadAllText(Path.Combine(fresh, name!))) != Normalize(name!, File.ReadAllText(Path.Combine(committed, name!))))
            .ToList();
        Assert.True(drifted.Count == 0, $"the real jool CLI no longer prints what Recorded/ holds for: {string.Join(", ", drifted)} (run tests/vm/record-jool.sh and review the diff)");
    }

    /// <summary>What may differ between two recordings of the same behaviour: the kernel address in the Namespace
    /// column, and the guest's kernel version (jool's own versions are compared).</summary>
    private static string Normalize(string name, string text) => name switch
    {
        _ when name.StartsWith("instance-display", StringComparison.Ordinal) => NamespaceColumn().Replace(text, "NS"),
        "guest-versions.env" => string.Join('\n', text.Split('\n').Where(line => !line.StartsWith("KERNEL_VERSION=", StringComparison.Ordinal))),
        _ => text,
    };

    [GeneratedRegex(@"\b[0-9a-f]{8,16}\b")]
    private static partial Regex NamespaceColumn();

    [GeneratedRegex(@"^[a-z0-9-]+,[0-9]+,[0-9]+$")]
    private static partial Regex TimingLine();
}

/// <summary>One boot of the guest for <see cref="JoolBorderGuestTests"/>, made by the first test that asks.</summary>
public sealed class JoolBorderGuestRun : IDisposable
{
    private const int QemuCannotRun = 77;
    private const int GuestNotBuilt = 78;
    private readonly string share = Path.Combine(Path.GetTempPath(), $"border-vm.jool-border.{Environment.ProcessId}");
    private readonly SemaphoreSlim gate = new(1, 1);
    private GuestResult? result;

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

        if (result.Run.ExitCode == QemuCannotRun)
        {
            Assert.Skip("QEMU cannot run on this machine: " + result.Run.StandardError.Trim());
        }

        Assert.True(result.Run.ExitCode != GuestNotBuilt, "the guest is not built: run tests/vm/build-guest.sh (test.sh does) first");
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
        // One vCPU: on a loaded 2-core host the guest ran this scenario's setup about 3 times faster with one
        // emulated CPU than with two, whose threads wait on each other when the host deschedules one.
        var run = await new ProcessCommandRunner().RunAsync(
            "/usr/bin/env",
            [
                "BORDER_VM_SMP=1",
                $"BORDER_VM_SHARE={share}",
                $"BORDER_VM_FILES={border} {Path.Combine(root, "tests", "vm", "record-jool.sh")}",
                Path.Combine(root, "tests", "vm", "run-scenario.sh"),
                "jool-border",
                "780",
            ],
            TimeSpan.FromMinutes(14));
        return new GuestResult(run, share);
    }
}

/// <summary>What the guest run left: the host's output and the share with the scenario's files.</summary>
internal sealed record GuestResult(CommandResult Run, string Share)
{
    public string File(string name) => Path.Combine(Share, name);

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
