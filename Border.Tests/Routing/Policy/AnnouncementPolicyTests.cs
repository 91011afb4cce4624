using System.Net;
using Border.Routing.Attractions;
using Border.Routing.Policy;

namespace Border.Tests.Routing.Policy;

public sealed class AnnouncementPolicyTests
{
    private static readonly IReadOnlyList<CatalogEntry> LabCatalog = AttractionCatalog.Build(new AttractionCatalogOptions
    {
        Nat44Pool = IPNetwork.Parse("192.0.2.0/30"),
        Nat66Pool = IPNetwork.Parse("2001:db8:d78::3:0:0/125"),
        Nat64Prefix = IPNetwork.Parse("2001:db8:d78:564::/96"),
        Nat64Pool4 = IPNetwork.Parse("192.0.2.0/30"),
        Dns64Anycast = [IPNetwork.Parse("198.51.100.53/32"), IPNetwork.Parse("2001:db8:d78:500::1:0/128")],
        Ospf = new OspfAttributes(200, OspfMetricType.E1),
        Bgp = new BgpAttributes(new BgpCommunities([BgpCommunities.NoExport])),
    });

    private static readonly UplinkCondition UplinkUp = new(true, "203.0.113.1 established, default received");
    private static readonly Drain MaintenanceDrain = new("root", DateTimeOffset.UnixEpoch, "kernel upgrade");

    /// <summary>DESIGN's table, row by row: which services are out (down or drained) and what stays announced.</summary>
    public static TheoryData<string, string, string[]> Rows() => new()
    {
        { "all in service", "", ["0.0.0.0/0", "198.51.100.53/32", "::/0", "2001:db8:d78:564::/96", "2001:db8:d78:500::1:0/128", "192.0.2.0/30", "2001:db8:d78::3:0:0/125"] },
        { "nat44 down: shared pool stays for nat64", "nat44", ["198.51.100.53/32", "::/0", "2001:db8:d78:564::/96", "2001:db8:d78:500::1:0/128", "192.0.2.0/30", "2001:db8:d78::3:0:0/125"] },
        { "nat64 down: shared pool stays for nat44", "nat64", ["0.0.0.0/0", "198.51.100.53/32", "::/0", "2001:db8:d78:500::1:0/128", "192.0.2.0/30", "2001:db8:d78::3:0:0/125"] },
        { "nat44 and nat64 down: pool goes", "nat44,nat64", ["198.51.100.53/32", "::/0", "2001:db8:d78:500::1:0/128", "2001:db8:d78::3:0:0/125"] },
        { "nat66 down", "nat66", ["0.0.0.0/0", "198.51.100.53/32", "2001:db8:d78:564::/96", "2001:db8:d78:500::1:0/128", "192.0.2.0/30"] },
        { "dns64 down", "dns64", ["0.0.0.0/0", "::/0", "2001:db8:d78:564::/96", "192.0.2.0/30", "2001:db8:d78::3:0:0/125"] },
        { "everything down", "nat44,nat66,nat64,dns64", [] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decide_ServicesDown_WithdrawsExactlyWhatOnlyTheyHold(string row, string down, string[] announced)
    {
        var decisions = AnnouncementPolicy.Decide(LabCatalog, Conditions(down, drained: ""), UplinkUp);

        Assert.True(announced.SequenceEqual(Announced(decisions)), $"{row}: announced {string.Join(" ", Announced(decisions))}");
        Assert.All(decisions.Where(decision => !decision.Announce), decision => Assert.Equal(DecisionReason.ServiceDown, decision.Reason));
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Decide_ServicesDrained_WithdrawsTheSameAsDown(string row, string drained, string[] announced)
    {
        var decisions = AnnouncementPolicy.Decide(LabCatalog, Conditions(down: "", drained), UplinkUp);

        Assert.True(announced.SequenceEqual(Announced(decisions)), $"{row}: announced {string.Join(" ", Announced(decisions))}");
        Assert.All(decisions.Where(decision => !decision.Announce), decision => Assert.Equal(DecisionReason.Drained, decision.Reason));
    }

    [Fact]
    public void Decide_UplinkDown_WithdrawsEverythingSayingWhy()
    {
        var decisions = AnnouncementPolicy.Decide(LabCatalog, Conditions("", ""), new UplinkCondition(false, "203.0.113.1 idle"));

        Assert.All(decisions, decision =>
        {
            Assert.False(decision.Announce);
            Assert.Equal(DecisionReason.UplinkDown, decision.Reason);
            Assert.Equal("uplink down: 203.0.113.1 idle", decision.Detail);
        });
    }

    [Fact]
    public void Decide_Nat64DrainedNat44Down_SaysBoth()
    {
        var services = Conditions(down: "nat44", drained: "nat64");

        var pool = AnnouncementPolicy.Decide(LabCatalog, services, UplinkUp).Single(decision => decision.Entry.Attraction.Prefix.ToString() == "192.0.2.0/30");

        Assert.False(pool.Announce);
        Assert.Equal(DecisionReason.ServiceDown, pool.Reason);
        Assert.Equal("nat44 down: nat44-probe failed; nat64 drained by root (kernel upgrade)", pool.Detail);
        Assert.Equal("withdraw bgp 192.0.2.0/30: service-down: nat44 down: nat44-probe failed; nat64 drained by root (kernel upgrade)", pool.ToString());
    }

    [Fact]
    public void Decide_ServiceNotRunning_CountsAsDown()
    {
        var services = Conditions("", "").Where(pair => pair.Key != Service.Dns64).ToDictionary();

        var anycast = AnnouncementPolicy.Decide(LabCatalog, services, UplinkUp).Single(decision => decision.Entry.Attraction.Prefix.ToString() == "198.51.100.53/32");

        Assert.False(anycast.Announce);
        Assert.Equal("dns64 not running", anycast.Detail);
    }

    [Fact]
    public void Decide_HealthyPool_NamesEveryServingHolder()
    {
        var pool = AnnouncementPolicy.Decide(LabCatalog, Conditions("", ""), UplinkUp).Single(decision => decision.Entry.Attraction.Prefix.ToString() == "192.0.2.0/30");

        Assert.True(pool.Announce);
        Assert.Equal("held by nat44, nat64", pool.Detail);
    }

    private static Dictionary<Service, ServiceCondition> Conditions(string down, string drained) =>
        ServiceNames.All.ToDictionary(
            service => service,
            service => new ServiceCondition(
                !down.Split(',').Contains(service.Name()),
                down.Split(',').Contains(service.Name()) ? $"{service.Name()}-probe failed" : "all checks pass",
                drained.Split(',').Contains(service.Name()) ? MaintenanceDrain : null));

    private static List<string> Announced(IReadOnlyList<AttractionDecision> decisions) =>
        decisions.Where(decision => decision.Announce).Select(decision => decision.Entry.Attraction.Prefix.ToString()).ToList();
}
