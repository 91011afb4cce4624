using System.Text.RegularExpressions;

namespace Border.Tests.Integration.Vm;

/// <summary>The VM tier's border scenario (tests/vm/scenarios/jool-border.sh), in the tier's one boot: the published
/// border runs its Jool engine against the real module, which nothing but border loads, with FRR in a neighbour
/// namespace as the judge, through three kinds of Jool fault and a drain; the guest also re-records the jool CLI.</summary>
[Collection(VmGuestCollection.Name)]
public sealed partial class JoolBorderGuestTests(VmGuestGroup group)
{
    private static readonly string[] Faults = ["instance-removed", "module-removed", "pool4-flushed"];

    private static readonly string[] FaultChecks =
        ["withdrawn-at-core", "reason-in-status", "reason-in-log", "reannounced", "rise-count-before-reannounce", "healed", "nat64-up", "ping-after"];

    /// <summary>What the scenario checks, in its order, with one trial of each fault (its default).</summary>
    private static readonly string[] ExpectedChecks =
    [
        "recorded", "ospf6-adjacency", "gw-learns-client-lan", "config-valid", "module-not-loaded-before-border", "announced-at-core",
        "status-nat64-healthy", "status-readback", "module-loaded-by-border", "jool-instance-pool6", "jool-instance-mtu", "jool-instance-pool4-tcp",
        "jool-instance-pool4-icmp", "ping-through-jool", "tcp-through-jool", "dns64-synthesizes", "tcp-through-dns64-name",
        .. from fault in Faults from check in FaultChecks select $"{fault}-1-{check}",
        "module-removed-1-heal-logged",
        "drain-connection-opened", "drain-withdrawn-at-core", "drain-in-status", "drain-session-kept",
        "drain-connection-carries-data", "undrain-reannounced", "stop-withdrawn",
    ];

    [Fact]
    public async Task JoolBorder_ModuleNotLoadedAtStart_BorderLoadsItAndEveryCheckOfApplyFaultsHealAndDrainPasses()
    {
        var guest = await group.GetAsync();

        var checks = guest.Checks();
        var failed = checks.Where(check => !check.Value.Passed).Select(check => $"{check.Key}: {check.Value.Why}").ToList();
        var missing = ExpectedChecks.Where(name => !checks.ContainsKey(name)).ToList();
        Assert.True(
            failed.Count == 0 && missing.Count == 0,
            $"failed: [{string.Join("; ", failed)}]; never ran: [{string.Join(", ", missing)}]\n{guest.Logs()}");
        Assert.True(guest.ScenarioStatus("jool-border") == 0, $"the scenario passed every check but exited {guest.ScenarioStatus("jool-border")}\n{guest.Logs()}");
        Assert.Equal(Faults.Length, File.ReadAllLines(guest.File("timings.csv")).Skip(1).Count(line => TimingLine().IsMatch(line)));
    }

    [Fact]
    public async Task RecordedJool_GuestRecordsAgain_MatchesTheCommittedRecordings()
    {
        var guest = await group.GetAsync();
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
    /// column, and the guest's kernel version, in the versions file and in the module directory modprobe names
    /// (jool's own versions are compared).</summary>
    private static string Normalize(string name, string text) => name switch
    {
        _ when name.StartsWith("instance-display", StringComparison.Ordinal) => NamespaceColumn().Replace(text, "NS"),
        _ when name.StartsWith("modprobe-", StringComparison.Ordinal) => ModuleDirectory().Replace(text, "/lib/modules/KERNEL"),
        "guest-versions.env" => string.Join('\n', text.Split('\n').Where(line => !line.StartsWith("KERNEL_VERSION=", StringComparison.Ordinal))),
        _ => text,
    };

    [GeneratedRegex(@"\b[0-9a-f]{8,16}\b")]
    private static partial Regex NamespaceColumn();

    [GeneratedRegex(@"/lib/modules/[^ /\n]+")]
    private static partial Regex ModuleDirectory();

    [GeneratedRegex(@"^[a-z0-9-]+,[0-9]+,[0-9]+$")]
    private static partial Regex TimingLine();
}
