using System.Threading.Channels;
using Border.Nat.Health;
using Border.Nat.Tools;
using Border.Routing.Health;
using Microsoft.Extensions.Logging;

namespace Border.Nat.Jool;

/// <summary>NAT64 in the Jool kernel module: one instance border owns, applied whole with <c>jool file handle</c>.</summary>
/// <remarks>
/// Apply writes the instance file, reads the live instance back and hands the file to Jool only when they differ,
/// so re-applying is a no-op. Jool refuses to change an existing instance's pool6 ("you can't change a NAT64
/// instance's pool6 for now"), so a new pool6 removes the instance first and creates it anew. The probe reads the instance back (module, instance, pool6, pool4) and says exactly
/// what is wrong; a change of health is also published as an event, because the kernel does not tell us when an
/// instance is removed. After publishing a fault the probe re-applies the instance (see <c>HealAsync</c>).
/// </remarks>
internal sealed partial class JoolEngine : INatEngine
{
    private readonly JoolOptions options;
    private readonly JoolEngineOptions engineOptions;
    private readonly IJoolControl jool;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HealthEventStream events = new();
    private readonly string file;
    private readonly string check;
    private bool? lastHealthy;

    public JoolEngine(JoolOptions options, JoolEngineOptions engineOptions, IJoolControl jool, TimeProvider time, ILogger<JoolEngine> logger)
    {
        this.options = options;
        this.engineOptions = engineOptions;
        this.jool = jool;
        this.time = time;
        this.logger = logger;
        file = JoolInstanceFileRenderer.Render(options);
        check = $"jool-instance {options.Instance}";
        Probes = [new RecordedProbe(new DelegateProbe(check, time, ProbeAsync))];
    }

    public string Name => "jool";

    public ChannelReader<CheckResult> Events => events.Events;

    public IReadOnlyList<RecordedProbe> Probes { get; }

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await ConfigFile.WriteIfChangedAsync(engineOptions.InstanceFilePath, file, cancellationToken).ConfigureAwait(false);
        var live = await jool.ReadInstanceAsync(options.Instance, cancellationToken).ConfigureAwait(false);
        if (live is not null && JoolInstanceDiff.Compare(options, live).Count == 0)
        {
            LogUnchanged(options.Instance);
            return;
        }

        if (live is not null && live.Pool6 != options.Pool6)
        {
            await jool.RemoveInstanceAsync(options.Instance, cancellationToken).ConfigureAwait(false);
            LogRecreating(options.Instance, options.Pool6.ToString());
        }

        await jool.HandleFileAsync(engineOptions.InstanceFilePath, cancellationToken).ConfigureAwait(false);
        LogApplied(options.Instance);
    }

    public Task<CheckResult> ReadBackAsync(CancellationToken cancellationToken) =>
        CheckRun.GuardAsync(check, time, CompareAsync, cancellationToken);

    private async Task<Finding> CompareAsync(CancellationToken cancellationToken)
    {
        var live = await jool.ReadInstanceAsync(options.Instance, cancellationToken).ConfigureAwait(false);
        if (live is null)
        {
            return Finding.Fail($"instance {options.Instance} missing");
        }

        var differences = JoolInstanceDiff.Compare(options, live);
        return differences.Count == 0
            ? Finding.Pass($"instance {options.Instance} present with pool6 {options.Pool6} and pool4 {options.Pool4}")
            : Finding.Fail($"instance {options.Instance}: {string.Join("; ", differences)}");
    }

    private async Task<Finding> ProbeAsync(CancellationToken cancellationToken)
    {
        Finding found;
        var repairable = true;
        try
        {
            found = await CompareAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (JoolModuleMissingException ex)
        {
            // Nothing can be re-applied until the module is loaded again; the probe after that heals.
            found = Finding.Fail(ex.Message);
            repairable = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            found = Finding.Fail(ex.Message);
        }

        if (found.Healthy != lastHealthy)
        {
            lastHealthy = found.Healthy;
            events.Publish(CheckRun.Now(check, time, found));
            if (!found.Healthy)
            {
                LogUnhealthy(found.Reason);
            }
        }

        return found.Healthy || !repairable ? found : await HealAsync(found, cancellationToken).ConfigureAwait(false);
    }
}
