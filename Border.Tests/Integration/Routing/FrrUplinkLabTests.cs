using System.Net;
using Border.Routing;
using Border.Routing.Uplink;
using static Border.Tests.Integration.Routing.LabAttractions;

namespace Border.Tests.Integration.Routing;

/// <summary>The uplink state read from FRR's bgpd, in a lab of its own because it resets the session
/// (a fresh session is where FRR 8.4 can leave a withdrawn pool in the adj-out; see FrrBgpSpeakerLabTests).</summary>
[Collection(FrrUplinkLabCollection.Name)]
public sealed class FrrUplinkLabTests(RoutingLab lab)
{
    private static readonly BgpNeighbor Upstream = new(IPAddress.Parse(RoutingLab.UpstreamAddress), 64500);

    [Fact]
    public async Task UplinkProbe_UpstreamShutsSession_DownThenUpAgain()
    {
        FrrBgpSpeakerLabTests.Require();
        var probe = new UplinkProbe(new FrrUplinkSource(lab.GatewayFrr()), [Upstream], TimeProvider.System);
        await FrrBgpSpeakerLabTests.WaitForSessionAsync(lab);
        await RoutingLab.WaitUntilAsync(async () => (await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink up");

        await lab.ConfigureUpstreamAsync($"neighbor {RoutingLab.BgpdAddress} shutdown");
        try
        {
            await RoutingLab.WaitUntilAsync(async () => !(await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink down");
            var down = await probe.ProbeAsync(TestContext.Current.CancellationToken);
            Assert.StartsWith("no upstream session Established (203.0.113.1 ", down.Reason, StringComparison.Ordinal);
        }
        finally
        {
            await lab.ConfigureUpstreamAsync($"no neighbor {RoutingLab.BgpdAddress} shutdown");
        }

        await RoutingLab.WaitUntilAsync(async () => (await probe.ProbeAsync(TestContext.Current.CancellationToken)).Healthy, Convergence, "uplink up again");
        var up = await probe.ProbeAsync(TestContext.Current.CancellationToken);
        Assert.Equal("Established, default received from 203.0.113.1", up.Reason);
    }
}

[CollectionDefinition(Name)]
public sealed class FrrUplinkLabCollection : ICollectionFixture<RoutingLab>
{
    public const string Name = "frr-uplink-lab";
}
