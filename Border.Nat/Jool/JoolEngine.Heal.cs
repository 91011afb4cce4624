using Border.Nat.Health;

namespace Border.Nat.Jool;

internal sealed partial class JoolEngine
{
    /// <summary>Re-applies the instance after a probe found it missing or changed behind border's back.</summary>
    /// <remarks>The fault has already been published, so the service is down and its attractions withdrawn; the
    /// probe still fails with the fault as its reason, and the service rises again only after the rise count of
    /// passing probes that follow. The reason says whether the repair was made, so status shows both; a successful
    /// repair is logged by <see cref="ApplyAsync"/>.</remarks>
    private async Task<Finding> HealAsync(Finding fault, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAsync(cancellationToken).ConfigureAwait(false);
            return Finding.Fail($"{fault.Reason}; re-applied");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Finding.Fail($"{fault.Reason}; re-applying failed: {ex.Message}");
        }
    }
}
