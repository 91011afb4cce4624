using System.Collections.Concurrent;
using Xunit.Sdk;

namespace Border.Tests;

/// <summary>What fakes were asked that the real thing would refuse, or that the code under test must never ask.</summary>
/// <remarks>The fake throws at the caller too, but the code under test may turn any throw into an error it only logs
/// or reports (the reconciler does, and so does an engine's heal in the background); the record is what fails the
/// test, through <see cref="AssertNone"/>. Fakes that stand for one system together may share one record.</remarks>
internal sealed class ImpossibleCalls
{
    private readonly ConcurrentQueue<string> refused = new();

    /// <summary>Records the call and returns the exception to throw at the caller.</summary>
    /// <param name="call">The fake's name, what it was asked, and why the real thing would refuse it.</param>
    public XunitException Refuse(string call)
    {
        refused.Enqueue(call);
        return new XunitException(call);
    }

    /// <summary>Fails on the calls refused since the last check. Each is reported once, so a second check (a
    /// harness's on dispose) does not replace the test's own failure with the same news.</summary>
    public void AssertNone()
    {
        var calls = new List<string>();
        while (refused.TryDequeue(out var call))
        {
            calls.Add(call);
        }

        Assert.True(calls.Count == 0, "asked for what the real thing would refuse:\n  " + string.Join("\n  ", calls));
    }
}
