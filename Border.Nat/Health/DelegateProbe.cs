using Border.Routing.Health;

namespace Border.Nat.Health;

/// <summary>A probe whose body is a guarded check of its engine.</summary>
internal sealed class DelegateProbe(string name, TimeProvider time, Func<CancellationToken, Task<Finding>> body) : IProbe
{
    public string Name => name;

    public Task<CheckResult> ProbeAsync(CancellationToken cancellationToken) =>
        CheckRun.GuardAsync(name, time, body, cancellationToken);
}
