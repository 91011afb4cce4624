using System.Threading.Channels;
using Border.Nat.Health;
using Border.Routing.Health;
using Microsoft.Extensions.Logging;

namespace Border.Nat.Nftables;

/// <summary>Keeps border's own nftables table (NAT44, NAT66, the NAT64 pool SNAT and the forward filter) as rendered.</summary>
/// <remarks>
/// Apply lists the live table first and changes nothing when it already matches, so re-applying is a no-op; when
/// it differs the whole table is replaced in one <c>nft -f</c> transaction that names only our table. The probe
/// compares the live table with the rendering; drift (deleted or edited by someone) is a failing result that
/// says what differed, is published as an event at once, and is healed by re-applying. A deleted table is not left
/// to the next probe: the kernel's notification of the deletion triggers the same check and heal at once (our own
/// apply deletes and re-adds the table in one transaction, which the check then finds whole).
/// The events carry their own check name, apart from the probe's: the health tracker takes a name either as a probe
/// (rise and fall) or as an event (at once), never both.
/// </remarks>
internal sealed partial class NftablesEngine : INatEngine, IDisposable
{
    private const string Family = "inet";
    private readonly NftablesOptions options;
    private readonly INftables nft;
    private readonly INftTableWatcher watcher;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private IDisposable? watch;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HealthEventStream events = new();
    private readonly string table;
    private readonly string check;
    private readonly string driftCheck;
    private int drifted;

    public NftablesEngine(NftablesOptions options, INftables nft, INftTableWatcher watcher, TimeProvider time, ILogger<NftablesEngine> logger)
    {
        this.options = options;
        this.nft = nft;
        this.watcher = watcher;
        this.time = time;
        this.logger = logger;
        table = NftRulesetRenderer.RenderTable(options);
        check = $"nft-table {Family} {options.Table}";
        driftCheck = $"nft-drift {Family} {options.Table}";
        Probes = [new RecordedProbe(new DelegateProbe(check, time, CheckAndHealAsync))];
    }

    public string Name => "nftables";

    public ChannelReader<CheckResult> Events => events.Events;

    public IReadOnlyList<RecordedProbe> Probes { get; }

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            watch ??= watcher.Watch(Family, options.Table, OnDeleted);
        }

        var live = await nft.ListTableAsync(Family, options.Table, cancellationToken).ConfigureAwait(false);
        if (live is not null && NftRulesetDiff.Compare(table, live).Count == 0)
        {
            LogUnchanged(options.Table);
            return;
        }

        await nft.ApplyAsync(NftRulesetRenderer.RenderScript(options), cancellationToken).ConfigureAwait(false);
        LogApplied(options.Table);
    }

    public void Dispose()
    {
        stopping.Cancel();
        lock (gate)
        {
            watch?.Dispose();
            watch = null;
        }

        events.Complete();
    }

    public Task<CheckResult> ReadBackAsync(CancellationToken cancellationToken) =>
        CheckRun.GuardAsync(check, time, CompareAsync, cancellationToken);

    private async Task<Finding> CompareAsync(CancellationToken cancellationToken)
    {
        var live = await nft.ListTableAsync(Family, options.Table, cancellationToken).ConfigureAwait(false);
        if (live is null)
        {
            return Finding.Fail($"table {Family} {options.Table} missing");
        }

        var differences = NftRulesetDiff.Compare(table, live);
        return differences.Count == 0
            ? Finding.Pass($"table {Family} {options.Table} matches")
            : Finding.Fail($"table {Family} {options.Table} differs: {string.Join("; ", differences)}");
    }

    private async Task<Finding> CheckAndHealAsync(CancellationToken cancellationToken)
    {
        var found = await CompareAsync(cancellationToken).ConfigureAwait(false);
        if (found.Healthy)
        {
            // A drift whose heal failed may have been mended by someone else since: its event check must come up.
            if (Interlocked.Exchange(ref drifted, 0) == 1)
            {
                events.Publish(CheckRun.Now(driftCheck, time, found));
            }

            return found;
        }

        LogDrift(found.Reason);
        Interlocked.Exchange(ref drifted, 1);
        events.Publish(CheckRun.Now(driftCheck, time, found));
        try
        {
            await nft.ApplyAsync(NftRulesetRenderer.RenderScript(options), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHealFailed(ex.Message);
            return Finding.Fail($"{found.Reason}; re-applying failed: {ex.Message}");
        }

        LogHealed(options.Table);
        Interlocked.Exchange(ref drifted, 0);
        events.Publish(CheckRun.Now(driftCheck, time, Finding.Pass($"table {Family} {options.Table} re-applied")));
        return Finding.Fail($"{found.Reason}; re-applied");
    }

    private void OnDeleted() => _ = HealAfterDeletionAsync(stopping.Token);

    private async Task HealAfterDeletionAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CheckAndHealAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHealFailed(ex.Message);
        }
        catch (OperationCanceledException)
        {
            // border is stopping; the table is left as it is.
        }
    }
}
