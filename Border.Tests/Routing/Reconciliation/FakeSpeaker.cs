using Border.Routing.Attractions;
using Border.Routing.Speakers;

namespace Border.Tests.Routing.Reconciliation;

/// <summary>A speaker that holds a set in memory, records every change, and fails the test on a change it was
/// not told to expect.</summary>
internal sealed class FakeSpeaker(string name, RoutingProtocol protocol) : IRouteSpeaker
{
    private readonly HashSet<Attraction> held = [];

    public string Name => name;

    public List<string> Calls { get; } = [];

    public bool AllowChanges { get; set; } = true;

    public void Hold(params Attraction[] attractions) => held.UnionWith(attractions);

    public bool Carries(Attraction attraction) => attraction.Protocol == protocol;

    /// <summary>How often the speaker was asked what it holds: once per reconcile.</summary>
    public int Reads { get; private set; }

    public Task<IReadOnlySet<Attraction>> GetHeldAsync(CancellationToken cancellationToken)
    {
        Reads++;
        return Task.FromResult<IReadOnlySet<Attraction>>(held.ToHashSet());
    }

    public Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        Change($"announce {attraction}");
        Assert.True(Carries(attraction), $"{name} was given {attraction}, which it does not carry");
        held.RemoveWhere(old => old.Prefix == attraction.Prefix);
        held.Add(attraction);
        return Task.CompletedTask;
    }

    public Task WithdrawAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        Change($"withdraw {attraction}");
        Assert.True(held.Remove(attraction), $"{name} was asked to withdraw {attraction}, which it does not hold");
        return Task.CompletedTask;
    }

    private void Change(string call)
    {
        Assert.True(AllowChanges, $"{name}: unexpected {call}");
        Calls.Add(call);
    }
}
