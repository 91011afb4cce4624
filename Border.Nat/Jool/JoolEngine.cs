using System.Threading.Channels;
using Border.Nat.Health;
using Border.Nat.Tools;
using Border.Routing.Health;
using Border.Routing.Processes;
using Microsoft.Extensions.Logging;

namespace Border.Nat.Jool;

/// <summary>NAT64 in the Jool kernel module: one instance border owns, applied whole with <c>jool file handle</c>.</summary>
/// <remarks>
/// Apply writes the instance file, reads the live instance back and hands the file to Jool only when they differ,
/// so re-applying is a no-op. When jool answers that its kernel module is not loaded, apply loads it
/// (<c>modprobe jool</c>) and reads again: nothing else on a gateway loads it (jool-tools does not, and Debian's
/// jool.service only with a jool.conf border does not write), and a module unloaded under a running border (a
/// jool-dkms upgrade, <c>modprobe -r</c>) takes every instance with it. A modprobe that fails fails the apply with
/// its stderr. Jool refuses to change an existing instance's pool6 ("you can't change a NAT64
/// instance's pool6 for now"), so a new pool6 removes the instance first and creates it anew. The probe reads the instance back (module, instance, pool6, pool4) and says exactly
/// what is wrong; a change of health is also published as an event, because the kernel does not tell us when an
/// instance is removed. After publishing a fault the probe re-applies the instance (see <c>HealAsync</c>); a module
/// found gone is left to the engine's keeper instead (<see cref="ReapplyRequests"/>), which applies with its backoff,
/// so a module that cannot load is not retried at every probe.
/// </remarks>
internal sealed partial class JoolEngine : INatEngine, IReapplyRequests
{
    private readonly JoolOptions options;
    private readonly JoolEngineOptions engineOptions;
    private readonly IJoolControl jool;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly HealthEventStream events = new();
    private readonly Channel<string> reapply = Channel.CreateBounded<string>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
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

    /// <summary>A request each time the probe finds the kernel module not loaded: only an apply loads it again.</summary>
    public ChannelReader<string> ReapplyRequests => reapply.Reader;

    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await ConfigFile.WriteIfChangedAsync(engineOptions.InstanceFilePath, file, cancellationToken).ConfigureAwait(false);
        var live = await ReadLoadingTheModuleAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>The live instance; when jool says its module is not loaded, loads it and reads again.</summary>
    private async Task<JoolInstanceState?> ReadLoadingTheModuleAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await jool.ReadInstanceAsync(options.Instance, cancellationToken).ConfigureAwait(false);
        }
        catch (JoolModuleMissingException missing)
        {
            try
            {
                await jool.LoadModuleAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (CommandFailedException failed)
            {
                throw new CommandFailedException($"{missing.Message}; loading it failed: {failed.Message}", failed.Result, failed);
            }

            LogModuleLoaded(missing.Message, JoolCli.Module, options.Instance);
        }

        return await jool.ReadInstanceAsync(options.Instance, cancellationToken).ConfigureAwait(false);
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
            // Only an apply loads the module again; the keeper runs it, with the backoff of a failed apply. Asked at
            // every probe that finds it gone, so a request the keeper took before the fault is never the last one.
            found = Finding.Fail(ex.Message);
            repairable = false;
            reapply.Writer.TryWrite(ex.Message);
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

        if (found.Healthy)
        {
            return found;
        }

        return repairable
            ? await HealAsync(found, cancellationToken).ConfigureAwait(false)
            : Finding.Fail($"{found.Reason}; loading it and applying again");
    }
}
