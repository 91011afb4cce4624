using Border.Nat;
using Border.Routing.Attractions;
using Border.Routing.Health;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Border.App.Supervision;

/// <summary>Applies one engine and, when the apply fails, tries again with a growing backoff until it succeeds or
/// border stops; then applies it again each time the engine asks.</summary>
/// <remarks>
/// Each failed attempt is an event for the engine's services (check <c>ENGINE apply</c>), so they are down with the
/// tool's words as the reason while the retries go on; the apply that finally succeeds clears that check, and the
/// services rise again through their probes. The wait starts at <see cref="FirstDelay"/> and doubles per failure up
/// to <see cref="MaxDelay"/>: a tool that is missing or a kernel that refuses is not hammered, and one that comes
/// back (a module loaded, a device created) is picked up without a restart. A shutdown is never retried.
/// An engine whose checks can find a fault only an apply mends (<see cref="IReapplyRequests"/>: Jool's kernel module
/// gone) asks for it; each request is one more apply, with the same retries and backoff, and every request made
/// before it began is answered by it.
/// </remarks>
internal sealed partial class EngineApplier
{
    /// <summary>The wait before the first retry.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);

    private readonly INatEngine engine;
    private readonly IReadOnlyList<Service> services;
    private readonly Action<CheckReport> report;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ResiliencePipeline pipeline;
    private readonly string check;
    private readonly TaskCompletionSource firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EngineApplier(INatEngine engine, IReadOnlyList<Service> services, Action<CheckReport> report, TimeProvider time, ILogger logger)
    {
        this.engine = engine;
        this.services = services;
        this.report = report;
        this.time = time;
        this.logger = logger;
        check = $"{engine.Name} apply";
        pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                Name = check,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = FirstDelay,
                MaxDelay = MaxDelay,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = arguments =>
                {
                    var problem = arguments.Outcome.Exception!.Message;
                    LogApplyFailed(engine.Name, arguments.AttemptNumber + 1, problem, arguments.RetryDelay.TotalSeconds);
                    report(new CheckReport(services, CheckResult.Fail(check, problem, time.GetUtcNow()), IsEvent: true));
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Completes once the first attempt has ended, however it ended (or the run was cancelled before it):
    /// the engine's probes start then, so they do not report a half-applied engine as drift.</summary>
    public Task FirstAttempt => firstAttempt.Task;

    /// <summary>Applies until it succeeds, then again on each of the engine's requests; ends quietly when cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (await ApplyUntilDoneAsync(cancellationToken))
        {
            await AnswerRequestsAsync(cancellationToken);
        }
    }

    /// <summary>Only the applies the engine asks for, for an engine an earlier config's keeper applied and handed
    /// over running; ends at once for an engine that never asks, and quietly when cancelled.</summary>
    public async Task AnswerRequestsAsync(CancellationToken cancellationToken)
    {
        if (engine is not IReapplyRequests asking)
        {
            return;
        }

        try
        {
            while (await asking.ReapplyRequests.WaitToReadAsync(cancellationToken))
            {
                var why = "";
                while (asking.ReapplyRequests.TryRead(out var request))
                {
                    why = request;
                }

                LogReapplying(engine.Name, why);
                if (!await ApplyUntilDoneAsync(cancellationToken))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: a request not answered yet is asked again by the engine's next check.
        }
    }

    /// <summary>One apply with its retries; false when cancelled before it succeeded.</summary>
    private async Task<bool> ApplyUntilDoneAsync(CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            await pipeline.ExecuteAsync(
                async token =>
                {
                    attempts++;
                    try
                    {
                        await engine.ApplyAsync(token);
                    }
                    finally
                    {
                        firstAttempt.TrySetResult();
                    }
                },
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            firstAttempt.TrySetResult();
            return false;
        }

        if (attempts > 1)
        {
            LogApplied(engine.Name, attempts);
            report(new CheckReport(services, CheckResult.Pass(check, $"applied at attempt {attempts}", time.GetUtcNow()), IsEvent: true));
        }

        return true;
    }

    [LoggerMessage(EventId = Logging.AppEventIds.EngineApplyFailed, Level = LogLevel.Error, Message = "{Engine} could not be applied (attempt {Attempt}); its services stay down, next try in {DelaySeconds} s: {Problem}")]
    private partial void LogApplyFailed(string engine, int attempt, string problem, double delaySeconds);

    [LoggerMessage(EventId = Logging.AppEventIds.EngineApplied, Level = LogLevel.Information, Message = "{Engine} applied at attempt {Attempt}; its services rise again through their probes")]
    private partial void LogApplied(string engine, int attempt);

    [LoggerMessage(EventId = Logging.AppEventIds.EngineReapplying, Level = LogLevel.Warning, Message = "{Engine} asks to be applied again; applying, with the retries and backoff of a failed apply: {Why}")]
    private partial void LogReapplying(string engine, string why);
}
