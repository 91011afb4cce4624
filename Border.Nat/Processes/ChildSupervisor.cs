using Border.Nat.Health;
using Border.Routing.Processes;
using Microsoft.Extensions.Logging;

namespace Border.Nat.Processes;

/// <summary>Keeps one long-running program running as border's child and reports each start and exit as an event.</summary>
/// <remarks>border is the parent: it learns of an exit from the wait itself and publishes it at once with its code or
/// signal, then starts the program again after a delay that doubles with each consecutive exit up to a cap, and
/// starts from the first delay again after a stable run. <see cref="RestartNow"/> ends the child for a change only a
/// new process takes, and the next one starts without the wait.</remarks>
internal sealed partial class ChildSupervisor : IAsyncDisposable
{
    private const int MaxDoublings = 16;
    private readonly string program;
    private readonly string check;
    private readonly Func<Action<string>, IChildProcess> start;
    private readonly ChildRestartOptions restart;
    private readonly HealthEventStream events;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private Task? loop;
    private IChildProcess? current;
    private ProcessExit? lastExit;
    private bool restartNow;

    /// <param name="program">The program's name, as events and logs show it.</param>
    /// <param name="start">Starts the program; it is given the sink for each line the child writes.</param>
    public ChildSupervisor(string program, Func<Action<string>, IChildProcess> start, ChildRestartOptions restart, HealthEventStream events, TimeProvider time, ILogger logger)
    {
        this.program = program;
        check = program + "-process";
        this.start = start;
        this.restart = restart;
        this.events = events;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>Whether <see cref="Start"/> has been called.</summary>
    public bool Started
    {
        get
        {
            lock (gate)
            {
                return loop is not null;
            }
        }
    }

    /// <summary>The running child's PID, or <see langword="null"/> between an exit and the restart.</summary>
    public int? ProcessId
    {
        get
        {
            lock (gate)
            {
                return current is { Exited.IsCompleted: false } child ? child.Id : null;
            }
        }
    }

    /// <summary>How the last child ended, or <see langword="null"/> when none has.</summary>
    public ProcessExit? LastExit
    {
        get
        {
            lock (gate)
            {
                return lastExit;
            }
        }
    }

    /// <summary>Starts the program and keeps it running until disposed; a second call does nothing.</summary>
    public void Start()
    {
        lock (gate)
        {
            loop ??= Task.Run(() => RunAsync(stopping.Token), CancellationToken.None);
        }
    }

    /// <summary>Ends the running child; the next one starts at once, without the backoff wait.</summary>
    public void RestartNow()
    {
        lock (gate)
        {
            if (current is { } running)
            {
                restartNow = true;
                running.Kill();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        Task? running;
        lock (gate)
        {
            running = loop;
        }

        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }

        stopping.Dispose();
    }

    internal TimeSpan RestartDelay(int attempt)
    {
        var delay = restart.FirstDelay * Math.Pow(2, Math.Min(attempt, MaxDoublings));
        return delay < restart.MaxDelay ? delay : restart.MaxDelay;
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var attempt = 0;
        while (!stop.IsCancellationRequested)
        {
            var began = time.GetTimestamp();
            await RunOnceAsync(stop).ConfigureAwait(false);
            bool atOnce;
            lock (gate)
            {
                atOnce = restartNow;
                restartNow = false;
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            if (time.GetElapsedTime(began) >= restart.StableRun)
            {
                attempt = 0;
            }

            if (atOnce)
            {
                continue;
            }

            var delay = RestartDelay(attempt++);
            LogRestartScheduled(program, delay.TotalMilliseconds);
            try
            {
                await Task.Delay(delay, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Runs the program once, from its start to its exit, and publishes both.</summary>
    private async Task RunOnceAsync(CancellationToken stop)
    {
        IChildProcess child;
        try
        {
            child = start(line => LogOutput(program, line));
        }
        catch (CommandFailedException ex)
        {
            LogStartFailed(program, ex.Message);
            events.Publish(CheckRun.Now(check, time, Finding.Fail($"{program} could not start: {ex.Message}")));
            return;
        }

        lock (gate)
        {
            current = child;
        }

        LogStarted(program, child.Id);
        events.Publish(CheckRun.Now(check, time, Finding.Pass($"{program} running (pid {child.Id})")));
        ProcessExit exit;
        using (stop.Register(child.Kill))
        {
            exit = await child.Exited.ConfigureAwait(false);
        }

        lock (gate)
        {
            current = null;
            lastExit = exit;
        }

        child.Dispose();
        if (!stop.IsCancellationRequested)
        {
            LogExited(program, child.Id, exit.ToString());
            events.Publish(CheckRun.Now(check, time, Finding.Fail($"{program} exited ({exit})")));
        }
    }

    [LoggerMessage(EventId = NatEventIds.ChildStarted, Level = LogLevel.Information, Message = "{Program} started (pid {Pid})")]
    private partial void LogStarted(string program, int pid);

    [LoggerMessage(EventId = NatEventIds.ChildExited, Level = LogLevel.Error, Message = "{Program} (pid {Pid}) exited ({Exit})")]
    private partial void LogExited(string program, int pid, string exit);

    [LoggerMessage(EventId = NatEventIds.ChildRestartScheduled, Level = LogLevel.Warning, Message = "{Program} restarts in {DelayMs} ms")]
    private partial void LogRestartScheduled(string program, double delayMs);

    [LoggerMessage(EventId = NatEventIds.ChildStartFailed, Level = LogLevel.Error, Message = "{Program} could not start: {Reason}")]
    private partial void LogStartFailed(string program, string reason);

    [LoggerMessage(EventId = NatEventIds.ChildOutput, Level = LogLevel.Debug, Message = "{Program}: {Line}")]
    private partial void LogOutput(string program, string line);
}
