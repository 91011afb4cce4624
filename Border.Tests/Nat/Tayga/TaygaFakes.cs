using System.Collections.Concurrent;
using System.Net;
using Border.Nat.Links;
using Border.Nat.Processes;
using Border.Nat.Tayga;

namespace Border.Tests.Nat.Tayga;

/// <summary>Tayga whose children the test ends at will.</summary>
internal sealed class FakeTayga : ITayga
{
    private int nextPid = 100;

    public ConcurrentQueue<FakeChild> Started { get; } = new();

    public int TunsMade { get; private set; }

    public Task MakeTunAsync(string configPath, CancellationToken cancellationToken)
    {
        TunsMade++;
        return Task.CompletedTask;
    }

    public IChildProcess Start(string configPath, Action<string> onOutputLine)
    {
        Assert.True(File.Exists(configPath), $"tayga started before its config {configPath} was written");
        var child = new FakeChild(Interlocked.Increment(ref nextPid));
        Started.Enqueue(child);
        return child;
    }
}

internal sealed class FakeChild(int id) : IChildProcess
{
    private readonly TaskCompletionSource<ProcessExit> exit = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Id => id;

    public Task<ProcessExit> Exited => exit.Task;

    public void Exit(int code) => exit.TrySetResult(new ProcessExit(code));

    public void Kill() => Exit(137);

    public void Dispose()
    {
    }
}

/// <summary>Links in memory. Only the calls the Tayga engine may make are allowed; anything else fails the test.</summary>
internal sealed class FakeLinks : IIpLinks
{
    public Dictionary<string, LinkState> Links { get; } = [];

    public List<string> Routes { get; } = [];

    public Task<LinkState?> GetLinkAsync(string device, CancellationToken cancellationToken) =>
        Task.FromResult(Links.GetValueOrDefault(device));

    public Task SetUpAsync(string device, CancellationToken cancellationToken)
    {
        Links[device] = new LinkState(device, true, "UNKNOWN");
        return Task.CompletedTask;
    }

    public Task ReplaceRouteAsync(IPNetwork destination, string device, CancellationToken cancellationToken)
    {
        Routes.Add($"{destination} dev {device}");
        return Task.CompletedTask;
    }

    public Task<string> AddLocalLinkAsync(string device, CancellationToken cancellationToken) => throw Unexpected();

    public Task DeleteLinkAsync(string device, CancellationToken cancellationToken) => throw Unexpected();

    public Task<IReadOnlyList<IPNetwork>> GetAddressesAsync(string device, CancellationToken cancellationToken) => throw Unexpected();

    public Task ReplaceAddressAsync(string device, IPNetwork address, CancellationToken cancellationToken) => throw Unexpected();

    public Task DeleteAddressAsync(string device, IPNetwork address, CancellationToken cancellationToken) => throw Unexpected();

    private static InvalidOperationException Unexpected() => new("the Tayga engine touched addresses or links it does not own");
}

/// <summary>Hands the test the callback, so it can play the kernel's link notifications.</summary>
internal sealed class FakeLinkWatcher : ILinkWatcher
{
    public Action<LinkState?>? OnChange { get; private set; }

    public string? Device { get; private set; }

    public IDisposable Watch(string device, Action<LinkState?> onChange)
    {
        Device = device;
        OnChange = onChange;
        return new Stop();
    }

    private sealed class Stop : IDisposable
    {
        public void Dispose()
        {
        }
    }
}
