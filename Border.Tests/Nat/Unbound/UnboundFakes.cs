using System.Net;
using Border.Nat.Links;
using Border.Nat.Processes;
using Border.Nat.Unbound;
using Border.Routing.Processes;
using Border.Tests.Nat.Tayga;

namespace Border.Tests.Nat.Unbound;

/// <summary>An Unbound that records each control call and answers as unbound-control does: only while a server runs.
/// Safe to read while the engine's child supervisor starts children in the background.</summary>
/// <remarks>The server runs while the system's Unbound is started (<see cref="ServiceRunning"/>) or while one of the
/// children <see cref="Run"/> started has not exited. Status, reload and stop fail with unbound-control's refusal
/// when no server runs. Starting a child before its main config exists, or while another child still runs (it could
/// not bind the interfaces), is an impossible call.</remarks>
internal sealed class FakeUnboundControl(ImpossibleCalls impossible) : IUnboundControl
{
    private readonly Lock gate = new();
    private readonly List<string> calls = [];
    private readonly List<FakeChild> children = [];
    private bool serviceRunning = true;

    /// <summary>The calls so far, oldest first.</summary>
    public IReadOnlyList<string> Calls => Snapshot.Of(gate, calls);

    /// <summary>The children <see cref="Run"/> started, oldest first; the test ends them at will.</summary>
    public IReadOnlyList<FakeChild> Children => Snapshot.Of(gate, children);

    /// <summary>Whether the system's Unbound runs; off where border runs Unbound as its child.</summary>
    public bool ServiceRunning
    {
        get
        {
            lock (gate)
            {
                return serviceRunning;
            }
        }

        init => serviceRunning = value;
    }

    public string? CheckFailure { get; init; }

    public bool RefuseKeepCache { get; init; }

    public void ForgetCalls()
    {
        lock (gate)
        {
            calls.Clear();
        }
    }

    public Task CheckConfigAsync(string configPath, CancellationToken cancellationToken)
    {
        Record("checkconf");
        return CheckFailure is null ? Task.CompletedTask : throw new CommandFailedException(CheckFailure);
    }

    public Task ReloadAsync(string configPath, bool keepCache, CancellationToken cancellationToken)
    {
        var command = keepCache ? "reload_keep_cache" : "reload";
        Record(command);
        ThrowUnlessServing(command);
        return keepCache && RefuseKeepCache
            ? throw new CommandFailedException("unbound-control reload_keep_cache exited with code 1: error could not keep cache")
            : Task.CompletedTask;
    }

    public Task StatusAsync(string configPath, CancellationToken cancellationToken)
    {
        Record("status");
        ThrowUnlessServing("status");
        return Task.CompletedTask;
    }

    public Task StopAsync(string configPath, CancellationToken cancellationToken)
    {
        Record("stop");
        ThrowUnlessServing("stop");
        lock (gate)
        {
            serviceRunning = false;
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(IReadOnlyList<string> startCommand, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            calls.Add("start " + string.Join(' ', startCommand));
            serviceRunning = true;
        }

        return Task.CompletedTask;
    }

    public IChildProcess Run(string configPath, Action<string> onOutputLine)
    {
        lock (gate)
        {
            calls.Add("run");
            if (!File.Exists(configPath))
            {
                throw impossible.Refuse($"unbound: started before its main config {configPath} was written");
            }

            if (children.Any(Runs))
            {
                throw impossible.Refuse("unbound: a second child started while the first still runs; it could not bind the interfaces");
            }

            var child = new FakeChild(children.Count + 1);
            children.Add(child);
            return child;
        }
    }

    private static bool Runs(FakeChild child) => !child.Exited.IsCompleted;

    private void Record(string call)
    {
        lock (gate)
        {
            calls.Add(call);
        }
    }

    /// <summary>unbound-control's answer when no server listens on the control interface.</summary>
    private void ThrowUnlessServing(string command)
    {
        lock (gate)
        {
            if (serviceRunning || children.Any(Runs))
            {
                return;
            }
        }

        throw new CommandFailedException($"unbound-control {command} exited with code 1: error: connect: Connection refused for 127.0.0.1 port 8953");
    }
}

/// <summary>The anycast interface in memory, with the host routes through it; a route through another device fails the test.</summary>
internal sealed class FakeAnycastLinks : IIpLinks
{
    public Dictionary<string, List<IPNetwork>> Links { get; } = [];

    public List<string> Changes { get; } = [];

    public Task<LinkState?> GetLinkAsync(string device, CancellationToken cancellationToken) =>
        Task.FromResult(Links.ContainsKey(device) ? new LinkState(device, true, "UNKNOWN") : null);

    public Task<string> AddLocalLinkAsync(string device, CancellationToken cancellationToken)
    {
        Links.Add(device, []);
        Changes.Add($"add link {device}");
        return Task.FromResult("dummy");
    }

    public Task DeleteLinkAsync(string device, CancellationToken cancellationToken)
    {
        Links.Remove(device);
        Changes.Add($"delete link {device}");
        return Task.CompletedTask;
    }

    public Task SetUpAsync(string device, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<IPNetwork>> GetAddressesAsync(string device, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IPNetwork>>([.. Links[device]]);

    public Task ReplaceAddressAsync(string device, IPNetwork address, CancellationToken cancellationToken)
    {
        Links[device].Add(address);
        Changes.Add($"add {address}");
        return Task.CompletedTask;
    }

    public Task DeleteAddressAsync(string device, IPNetwork address, CancellationToken cancellationToken)
    {
        Links[device].Remove(address);
        Changes.Add($"delete {address}");
        return Task.CompletedTask;
    }

    /// <summary>The host routes through the anycast interface, in the order they were replaced.</summary>
    public List<string> Routes { get; } = [];

    public Task ReplaceRouteAsync(IPNetwork destination, string device, CancellationToken cancellationToken)
    {
        Assert.True(Links.ContainsKey(device), $"route {destination} through {device}, which is not the anycast interface");
        Routes.Add($"{destination} dev {device}");
        return Task.CompletedTask;
    }
}
