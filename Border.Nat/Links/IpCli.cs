using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Border.Nat.Tools;
using Border.Routing.Processes;

namespace Border.Nat.Links;

/// <summary><see cref="IIpLinks"/> over the <c>ip</c> command and its JSON output.</summary>
internal sealed class IpCli(ICommandRunner runner, NatToolOptions tools) : IIpLinks
{
    public async Task<LinkState?> GetLinkAsync(string device, CancellationToken cancellationToken)
    {
        string[] arguments = ["-j", "link", "show", "dev", device];
        var result = await runner.RunAsync(tools.Ip, arguments, tools.CommandTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            if (result.StandardError.Contains("does not exist", StringComparison.Ordinal))
            {
                return null;
            }

            throw CommandFailures.Exited(tools.Ip, arguments, result);
        }

        using var json = JsonDocument.Parse(result.StandardOutput);
        var link = json.RootElement[0];
        var adminUp = link.GetProperty("flags").EnumerateArray().Any(flag => flag.GetString() == "UP");
        var operState = link.TryGetProperty("operstate", out var state) ? state.GetString() ?? "UNKNOWN" : "UNKNOWN";
        return new LinkState(device, adminUp, operState);
    }

    public async Task<string> AddLocalLinkAsync(string device, CancellationToken cancellationToken)
    {
        string[] arguments = ["link", "add", device, "type", "dummy"];
        var result = await runner.RunAsync(tools.Ip, arguments, tools.CommandTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            return "dummy";
        }

        // Containers and kernels without loadable modules may lack the dummy driver; tun is built in wherever Tayga runs.
        if (!result.StandardError.Contains("Unknown device type", StringComparison.Ordinal))
        {
            throw CommandFailures.Exited(tools.Ip, arguments, result);
        }

        await RunAsync(["tuntap", "add", "dev", device, "mode", "tun"], cancellationToken).ConfigureAwait(false);
        return "tun";
    }

    public Task DeleteLinkAsync(string device, CancellationToken cancellationToken) =>
        RunAsync(["link", "delete", device], cancellationToken);

    public Task SetUpAsync(string device, CancellationToken cancellationToken) =>
        RunAsync(["link", "set", "dev", device, "up"], cancellationToken);

    public Task ReplaceRouteAsync(IPNetwork destination, string device, CancellationToken cancellationToken) =>
        RunAsync([FamilyFlag(destination), "route", "replace", destination.ToString(), "dev", device], cancellationToken);

    public async Task<IReadOnlyList<IPNetwork>> GetAddressesAsync(string device, CancellationToken cancellationToken)
    {
        var result = await runner.RunCheckedAsync(
            tools.Ip, ["-j", "address", "show", "dev", device], tools.CommandTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var json = JsonDocument.Parse(result.StandardOutput);
        var addresses = new List<IPNetwork>();
        foreach (var link in json.RootElement.EnumerateArray())
        {
            foreach (var info in link.GetProperty("addr_info").EnumerateArray())
            {
                var address = IPAddress.Parse(info.GetProperty("local").GetString()!);
                if (!address.IsIPv6LinkLocal)
                {
                    addresses.Add(new IPNetwork(address, info.GetProperty("prefixlen").GetInt32()));
                }
            }
        }

        return addresses;
    }

    public Task ReplaceAddressAsync(string device, IPNetwork address, CancellationToken cancellationToken) =>
        // An anycast address must answer at once: duplicate address detection would hold it tentative.
        RunAsync(
            address.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6
                ? ["address", "replace", address.ToString(), "dev", device, "nodad"]
                : ["address", "replace", address.ToString(), "dev", device],
            cancellationToken);

    public Task DeleteAddressAsync(string device, IPNetwork address, CancellationToken cancellationToken) =>
        RunAsync(["address", "delete", address.ToString(), "dev", device], cancellationToken);

    private static string FamilyFlag(IPNetwork prefix) =>
        prefix.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4";

    private Task RunAsync(string[] arguments, CancellationToken cancellationToken) =>
        runner.RunCheckedAsync(tools.Ip, arguments, tools.CommandTimeout, cancellationToken: cancellationToken);

}
