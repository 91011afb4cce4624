using Border.Routing.Attractions;
using Border.Routing.Speakers;

namespace Border.Tests.Routing.Reconciliation;

/// <summary>A speaker that holds a set in memory and records every change; safe to read while a supervisor's loop
/// reconciles it.</summary>
/// <remarks>A change while <see cref="AllowChanges"/> is off, an attraction of another protocol and the withdrawal of
/// one it does not hold are impossible calls: the reconciler turns the throw into a speaker error nobody asserts on,
/// so each is also recorded in <paramref name="impossible"/>, which fails the test on it.</remarks>
/// <param name="impossible">Where the impossible calls go; a harness shares one between its speakers.</param>
internal sealed class FakeSpeaker(string name, RoutingProtocol protocol, ImpossibleCalls impossible) : IRouteSpeaker
{
    private readonly Lock gate = new();
    private readonly HashSet<Attraction> held = [];
    private readonly List<string> calls = [];
    private int reads;

    public string Name => name;

    /// <summary>The changes made so far, oldest first.</summary>
    public IReadOnlyList<string> Calls => Snapshot.Of(gate, calls);

    /// <summary>Off when the test expects no change at this speaker: any change fails the test.</summary>
    public bool AllowChanges { get; set; } = true;

    /// <summary>When set, the daemon refuses every change with this error, as a broken FRR or gobgpd does.</summary>
    public string? ChangeFailure { get; set; }

    /// <summary>What the speaker holds now; unlike <see cref="GetHeldAsync"/>, not counted as a read.</summary>
    public IReadOnlySet<Attraction> Held
    {
        get
        {
            lock (gate)
            {
                return held.ToHashSet();
            }
        }
    }

    /// <summary>How often the speaker was asked what it holds: once per reconcile.</summary>
    public int Reads => Volatile.Read(ref reads);

    public void Hold(params Attraction[] attractions)
    {
        lock (gate)
        {
            held.UnionWith(attractions);
        }
    }

    /// <summary>The daemon restarted: it holds nothing of ours any more.</summary>
    public void Restart()
    {
        lock (gate)
        {
            held.Clear();
        }
    }

    public void ForgetCalls()
    {
        lock (gate)
        {
            calls.Clear();
        }
    }

    public bool Carries(Attraction attraction) => attraction.Protocol == protocol;

    public Task<IReadOnlySet<Attraction>> GetHeldAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref reads);
        return Task.FromResult(Held);
    }

    public Task AnnounceAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        var call = $"announce {attraction}";
        lock (gate)
        {
            Check(call);
            if (!Carries(attraction))
            {
                throw impossible.Refuse($"{name}: {call}: this speaker does not carry {attraction.Protocol}");
            }

            held.RemoveWhere(old => old.Prefix == attraction.Prefix);
            held.Add(attraction);
            calls.Add(call);
        }

        return Task.CompletedTask;
    }

    public Task WithdrawAsync(Attraction attraction, CancellationToken cancellationToken)
    {
        var call = $"withdraw {attraction}";
        lock (gate)
        {
            Check(call);
            if (!held.Remove(attraction))
            {
                throw impossible.Refuse($"{name}: {call}: not held");
            }

            calls.Add(call);
        }

        return Task.CompletedTask;
    }

    private void Check(string call)
    {
        if (!AllowChanges)
        {
            throw impossible.Refuse($"{name}: unexpected {call}");
        }

        if (ChangeFailure is { } failure)
        {
            throw new SpeakerException(failure);
        }
    }
}
