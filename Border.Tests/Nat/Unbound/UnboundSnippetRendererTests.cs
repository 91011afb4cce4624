using System.Net;
using Border.Nat.Unbound;
using Border.Tests.Nat.Golden;

namespace Border.Tests.Nat.Unbound;

public sealed class UnboundSnippetRendererTests
{
    internal static UnboundOptions Gateway => new()
    {
        ListenAddresses = [IPAddress.Parse("198.51.100.53"), IPAddress.Parse("2001:db8:d78:500::1:0")],
        Dns64Prefix = IPNetwork.Parse("2001:db8:d78:564::/96"),
        AllowedClients = [IPNetwork.Parse("198.51.100.0/25"), IPNetwork.Parse("2001:db8:d78:500::/56")],
        Zones =
        [
            new UnboundZone("example.", UnboundZoneKind.Forward, [IPAddress.Parse("203.0.113.2")]),
            new UnboundZone("site.example.", UnboundZoneKind.Stub, [IPAddress.Parse("2001:db8:d78:500::35")]),
        ],
    };

    [Fact]
    public void Render_Gateway_MatchesGolden() =>
        GoldenFile.AssertMatches("gateway-dns64.conf", UnboundSnippetRenderer.Render(Gateway));
}
