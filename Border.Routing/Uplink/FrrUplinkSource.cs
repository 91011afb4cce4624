using System.Net;
using Border.Routing.Speakers.Frr;

namespace Border.Routing.Uplink;

/// <summary>The upstream sessions as FRR's bgpd reports them.</summary>
internal sealed class FrrUplinkSource(IFrrTransport transport) : IUplinkStateSource
{
    public string Name => "frr";

    public async Task<UplinkState> ReadAsync(CancellationToken cancellationToken)
    {
        var sessions = FrrBgpState.ParseSessions(
            await transport.ShowJsonAsync("show bgp neighbors json", cancellationToken).ConfigureAwait(false));
        var defaults = new HashSet<IPAddress>();
        foreach (var route in (string[])["ipv4 unicast 0.0.0.0/0", "ipv6 unicast ::/0"])
        {
            defaults.UnionWith(FrrBgpState.ParseDefaultFrom(
                await transport.ShowJsonAsync($"show bgp {route} json", cancellationToken).ConfigureAwait(false)));
        }

        return new UplinkState(sessions, defaults);
    }
}
