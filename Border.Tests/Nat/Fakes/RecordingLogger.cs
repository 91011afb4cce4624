using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Border.Tests.Nat.Fakes;

/// <summary>A logger that keeps every entry, so a test can wait for the moment the code under test logged.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(int EventId, LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((eventId.Id, logLevel, formatter(state, exception)));

    public int Count(int eventId) => Entries.Count(entry => entry.EventId == eventId);
}
