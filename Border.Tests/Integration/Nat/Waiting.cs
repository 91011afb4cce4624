using System.Diagnostics;
using System.Threading.Channels;
using Border.Routing.Health;

namespace Border.Tests.Integration.Nat;

/// <summary>Bounded waits for a state: a poll loop with a deadline, or an event read with one.</summary>
internal static class Waiting
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns whether it held.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(PollInterval);
        }

        return await condition();
    }

    /// <summary>The first event matching <paramref name="match"/> within <paramref name="timeout"/>, or null; every
    /// event read on the way, the match included, is added to <paramref name="seen"/> when given.</summary>
    public static async Task<CheckResult?> EventAsync(
        ChannelReader<CheckResult> events,
        Func<CheckResult, bool> match,
        TimeSpan timeout,
        List<CheckResult>? seen = null)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await events.WaitToReadAsync(deadline.Token))
            {
                while (events.TryRead(out var result))
                {
                    seen?.Add(result);
                    if (match(result))
                    {
                        return result;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return null;
        }

        return null;
    }
}
