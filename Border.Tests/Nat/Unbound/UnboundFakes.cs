using System.Net;
using Border.Nat.Links;
using Border.Nat.Processes;
using Border.Nat.Unbound;
using Border.Routing.Processes;
using Border.Tests.Nat.Tayga;

namespace Border.Tests.Nat.Unbound;

/// <summary>An Unbound that records each control call; it runs until stopped and answers status only while running.</summary>
internal sealed class FakeUnboundControl : IUnboundControl
{
    public List<string> Calls { get; } = [];

    /// <summary>Whether Unbound answers on its control interface; a child Unbound answers only once it was run.</summary>
    public bool Running { get; set; } = true;

    public string? CheckFailure { get; init; }

    public bool RefuseKeepCache { get; init; }

    public Task CheckConfigAsync(string configPath, CancellationToken cancellationToken)
    {
        Calls.Add("checkconf");
        return CheckFailure is null ? Task.CompletedTask : throw new CommandFailedException(CheckFailure);
    }

    public Task ReloadAsync(string configPath, bool keepCache, CancellationToken cancellationToken)
    {
        Calls.Add(keepCache ? "reload_keep_cache" : "reload");
        return keepCache && RefuseKeepCache
            ? throw new CommandFailedException("unbound-control reload_keep_cache exited with code 1: error could not keep cache")
            : Task.CompletedTask;
    }

    public Task StatusAsync(string configPath, CancellationToken cancellationToken)
    {
        Calls.Add("status");
        return Running ? Task.CompletedTask : throw new CommandFailedException("unbound-control status exited with code 1: connect: Connection refused");
    }

    public Task StopAsync(string configPath, CancellationToken cancellationToken)
    {
        Calls.Add("stop");
        Running = false;
        return Task.CompletedTask;
    }

    public Task StartAsync(IReadOnlyList<string> startCommand, CancellationToken cancellationToken)
    {
        Calls.Add("start " + string.Join(' ', startCommand));
        Running = true;
        return Task.CompletedTask;
    }

    /// <summary>The children <see cref="Run"/> started, oldest first; the test ends them at will.</summary>
    public List<FakeChild> Children { get; } = [];

    public IChildProcess Run(string configPath, Action<string> onOutputLine)
    {
        Assert.True(File.Exists(configPath), $"unbound started before its main config {configPath} was written");
        lock (Children)
        {
            Calls.Add("run");
            Running = true;
            var child = new FakeChild(Children.Count + 1);
            Children.Add(child);
            return child;
        }
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
