namespace Border.App.Cli;

/// <summary>What <c>border</c> exits with: scripts and Ansible rely on these.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The input was wrong: an invalid config file, a bad argument, an unreadable file.</summary>
    public const int InvalidInput = 1;

    /// <summary>The input was fine but something at run time failed.</summary>
    public const int RuntimeFailure = 2;
}
