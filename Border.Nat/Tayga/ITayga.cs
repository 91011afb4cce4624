using Border.Nat.Processes;

namespace Border.Nat.Tayga;

/// <summary>The tayga operations border needs: create its tun device, and run it in the foreground as our child.</summary>
internal interface ITayga
{
    /// <summary>Creates the persistent tun device named in the config (<c>tayga --mktun</c>).</summary>
    Task MakeTunAsync(string configPath, CancellationToken cancellationToken);

    /// <summary>Starts tayga without detaching, so border is its parent and learns of its exit from the wait.</summary>
    IChildProcess Start(string configPath, Action<string> onOutputLine);
}
