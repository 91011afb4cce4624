using System.Net;
using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Nat.Jool;

/// <summary><see cref="IJoolControl"/> over the <c>jool</c> command and its CSV output, and <c>modprobe</c>.</summary>
/// <remarks>The CSV layouts are Jool 4's, each under a header line: <c>instance display</c> prints
/// namespace,name,framework; <c>global display</c> prints field,value; <c>pool4 display</c> prints
/// mark,protocol,address,min port,max port,iterations,fixed, one row per address, and lists one protocol only
/// (TCP unless told), so it is asked once per protocol.</remarks>
internal sealed class JoolCli(ICommandRunner runner, NatToolOptions tools) : IJoolControl
{
    /// <summary>What jool-tools prints when the module's generic netlink family is absent.</summary>
    internal const string ModuleMissingMarker = "socket family doesn't seem to exist";

    /// <summary>What the module answers while it is being removed: its netlink family still there, Jool no longer.</summary>
    internal const string ModuleGoingMarker = "has not been modprobed";

    /// <summary>What the module answers to a command for an instance the namespace does not have.</summary>
    internal const string InstanceMissingMarker = "lacks an instance named";

    /// <summary>The module <c>modprobe</c> is given: Jool's NAT64, which pulls in jool_common.</summary>
    internal const string Module = "jool";

    private static readonly string[] Protocols = ["--tcp", "--udp", "--icmp"];

    public Task LoadModuleAsync(CancellationToken cancellationToken) =>
        runner.RunCheckedAsync(tools.Modprobe, [Module], tools.CommandTimeout, cancellationToken: cancellationToken);

    public Task HandleFileAsync(string path, CancellationToken cancellationToken) =>
        RunAsync(["file", "handle", path], cancellationToken);

    public Task RemoveInstanceAsync(string instance, CancellationToken cancellationToken) =>
        RunAsync(["instance", "remove", instance], cancellationToken);

    public async Task<JoolInstanceState?> ReadInstanceAsync(string instance, CancellationToken cancellationToken)
    {
        var instances = await RunAsync(["instance", "display", "--csv"], cancellationToken).ConfigureAwait(false);
        var row = Rows(instances).FirstOrDefault(fields => fields.Length >= 3 && fields[1] == instance);
        if (row is null)
        {
            return null;
        }

        // The instance can go between the listing and the reads that follow; that is the same finding as not listed.
        var globals = await ReadOfInstanceAsync(instance, ["global", "display", "--csv"], cancellationToken).ConfigureAwait(false);
        if (globals is null)
        {
            return null;
        }

        var pool6 = Rows(globals).FirstOrDefault(fields => fields.Length >= 2 && fields[0] == "pool6")?[1];
        var pool4 = new List<Pool4Row>();
        foreach (var protocol in Protocols)
        {
            var rows = await ReadOfInstanceAsync(instance, ["pool4", "display", "--csv", protocol], cancellationToken).ConfigureAwait(false);
            if (rows is null)
            {
                return null;
            }

            pool4.AddRange(Rows(rows).Where(fields => fields.Length >= 5).Select(ParsePool4Row));
        }

        return new JoolInstanceState(
            instance,
            row[2],
            pool6 is not null && IPNetwork.TryParse(pool6, out var prefix) ? prefix : null,
            pool4);
    }

    /// <summary>The data rows of a CSV listing: its header line dropped, each row split on commas (no field border
    /// reads is quoted).</summary>
    internal static IEnumerable<string[]> Rows(string csv) =>
        csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Skip(1)
            .Select(line => line.Split(','));

    private static Pool4Row ParsePool4Row(string[] fields) =>
        new(fields[1], IPAddress.Parse(fields[2]), new PortRange(int.Parse(fields[3], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(fields[4], System.Globalization.CultureInfo.InvariantCulture)));

    private async Task<string> RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var result = await RunCheckedForModuleAsync(arguments, cancellationToken).ConfigureAwait(false);
        return result.Succeeded ? result.StandardOutput : throw CommandFailures.Exited(tools.Jool, arguments, result);
    }

    /// <summary>A listing of one instance, or null when the namespace has no such instance.</summary>
    private async Task<string?> ReadOfInstanceAsync(string instance, string[] command, CancellationToken cancellationToken)
    {
        string[] arguments = ["-i", instance, .. command];
        var result = await RunCheckedForModuleAsync(arguments, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return result.StandardOutput;
        }

        return result.StandardError.Contains(InstanceMissingMarker, StringComparison.Ordinal)
            ? null
            : throw CommandFailures.Exited(tools.Jool, arguments, result);
    }

    private async Task<CommandResult> RunCheckedForModuleAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var result = await runner.RunAsync(tools.Jool, arguments, tools.CommandTimeout, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        if (result.StandardError.Contains(ModuleMissingMarker, StringComparison.Ordinal) || result.StandardError.Contains(ModuleGoingMarker, StringComparison.Ordinal))
        {
            throw new JoolModuleMissingException(result.StandardError.Trim().Split('\n')[0]);
        }

        return result;
    }
}
