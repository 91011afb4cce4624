using Border.Nat.Processes;

namespace Border.Nat.Unbound;

/// <summary>The Unbound operations border needs; <c>configPath</c> is Unbound's main config, which includes our snippet.</summary>
internal interface IUnboundControl
{
    /// <summary>Checks the whole configuration (<c>unbound-checkconf</c>); throws with its complaint when it is invalid.</summary>
    Task CheckConfigAsync(string configPath, CancellationToken cancellationToken);

    /// <summary>Reloads the running Unbound; <paramref name="keepCache"/> asks for <c>reload_keep_cache</c>.</summary>
    Task ReloadAsync(string configPath, bool keepCache, CancellationToken cancellationToken);

    /// <summary>Throws, with Unbound's answer, unless the server answers on its control interface.</summary>
    Task StatusAsync(string configPath, CancellationToken cancellationToken);

    /// <summary>Stops the running Unbound (<c>unbound-control stop</c>).</summary>
    Task StopAsync(string configPath, CancellationToken cancellationToken);

    /// <summary>Starts Unbound the way this host starts it: an argument list, such as <c>systemctl start unbound</c>.</summary>
    Task StartAsync(IReadOnlyList<string> startCommand, CancellationToken cancellationToken);

    /// <summary>Runs Unbound in the foreground as border's child (<c>unbound -d -p -c</c>), so border learns of its
    /// exit from the wait; <paramref name="onOutputLine"/> sees each line of its log.</summary>
    IChildProcess Run(string configPath, Action<string> onOutputLine);
}
