using Microsoft.Extensions.Logging;

namespace Border.App.Logging;

/// <summary>Loggers that write one line per log event on standard error, with the syslog priority prefix journald reads (<c>&lt;3&gt;</c> for errors).</summary>
/// <remarks>The daemon needs nothing more than this under systemd, and it keeps the binary free of the
/// options and configuration machinery a full console logger brings. Where standard error is not the journal
/// (which stamps every line itself), each line starts with its UTC time, so that a log file read later still
/// says when each decision was taken.</remarks>
internal sealed class LineLoggerFactory(TextWriter output, LogLevel minimum, TimeProvider? clock) : ILoggerFactory
{
    /// <summary>Loggers for the process's standard error: stamped unless systemd connected it to the journal
    /// (it says so in <c>JOURNAL_STREAM</c>).</summary>
    public static LineLoggerFactory ForStandardError(LogLevel minimum) =>
        new(Console.Error, minimum, Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 } ? null : TimeProvider.System);

    private readonly Lock gate = new();

    private bool Enabled(LogLevel level) => level >= minimum && level != LogLevel.None;

    public ILogger CreateLogger(string categoryName) => new LineLogger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    /// <summary>Providers are not used: every category writes the same lines.</summary>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("border logs only to standard error");

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var stamp = clock is null ? "" : clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z' ", System.Globalization.CultureInfo.InvariantCulture);
        var line = $"{stamp}<{Priority(level)}>{category}: {message}{(exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})")}";
        lock (gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static int Priority(LogLevel level) => level switch
    {
        LogLevel.Critical => 2,
        LogLevel.Error => 3,
        LogLevel.Warning => 4,
        LogLevel.Information => 6,
        _ => 7,
    };

    private sealed class LineLogger(LineLoggerFactory factory, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => factory.Enabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                factory.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
