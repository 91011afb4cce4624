using System.Net;
using Border.Routing.Attractions;
using Border.Routing.Speakers.Frr;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Border.Tests.Routing.Speakers.Frr;

public sealed class FrrOspfSpeakerTests
{
    private static readonly Attraction Anycast = new(IPNetwork.Parse("198.51.100.53/32"), new OspfAttributes(200, OspfMetricType.E1));
    private static readonly Attraction Nat64 = new(IPNetwork.Parse("2001:db8:d78:564::/96"), new OspfAttributes(200, OspfMetricType.E1));
    private readonly FakeTimeProvider time = new();
    private readonly FakeFrrTransport frr = new();

    [Fact]
    public async Task Withdraw_RightAfterARead_ConfiguresInOneSessionWithoutReadingAgain()
    {
        var speaker = NewSpeaker();
        Assert.Equal(new HashSet<Attraction> { Anycast, Nat64 }, await speaker.GetHeldAsync(TestContext.Current.CancellationToken));

        await speaker.WithdrawAsync(Nat64, TestContext.Current.CancellationToken);
        await speaker.WithdrawAsync(Anycast, TestContext.Current.CancellationToken);

        Assert.Equal(1, frr.Reads);
        Assert.Equal(
            [
                ["router ospf6", "no redistribute kernel route-map BORDER-OSPF-V6", "no ipv6 prefix-list BORDER-OSPF-V6 permit 2001:db8:d78:564::/96"],
                ["router ospf", "no redistribute connected route-map BORDER-OSPF-V4", "no ip prefix-list BORDER-OSPF-V4 permit 198.51.100.53/32"],
            ],
            frr.Configured);
    }

    [Fact]
    public async Task Withdraw_ReadLongerAgoThanItStaysFresh_ReadsAgainFirst()
    {
        var speaker = NewSpeaker();
        await speaker.GetHeldAsync(TestContext.Current.CancellationToken);

        time.Advance(FrrOspfSpeaker.ReadFreshFor);
        await speaker.WithdrawAsync(Nat64, TestContext.Current.CancellationToken);

        Assert.Equal(2, frr.Reads);
    }

    [Fact]
    public async Task Withdraw_AnotherHeldAttractionSharesTheSource_GoesThroughThePrefixListAlone()
    {
        frr.Routes4 = """{ "198.51.100.53/32": [ { "protocol": "static", "selected": true } ], "198.51.100.54/32": [ { "protocol": "static", "selected": true } ] }""";
        frr.External4 = External4("198.51.100.53", "198.51.100.54");
        var speaker = NewSpeaker();
        await speaker.GetHeldAsync(TestContext.Current.CancellationToken);

        await speaker.WithdrawAsync(Anycast, TestContext.Current.CancellationToken);

        Assert.Equal([["no ip prefix-list BORDER-OSPF-V4 permit 198.51.100.53/32"]], frr.Configured);
    }

    private FrrOspfSpeaker NewSpeaker() => new(frr, time, NullLogger<FrrOspfSpeaker>.Instance);

    private static string External4(params string[] addresses) =>
        "{ \"AS External Link States\": { " + string.Join(", ", addresses.Select(address =>
            $$"""
            "{{address}}": { "lsaAge": 5, "linkStateId": "{{address}}", "networkMask": 32, "metricType": "E1", "metric": 200 }
            """)) + " } }";

    /// <summary>FRR holding the anycast /32 (connected) and the NAT64 /96 (kernel, Tayga's route).</summary>
    private sealed class FakeFrrTransport : IFrrTransport
    {
        public string External4 { get; set; } = FrrOspfSpeakerTests.External4("198.51.100.53");

        public string Routes4 { get; set; } = """{ "198.51.100.53/32": [ { "protocol": "connected", "selected": true } ] }""";

        public int Reads { get; private set; }

        public List<IReadOnlyList<string>> Configured { get; } = [];

        public Task<string> ShowJsonAsync(string command, CancellationToken cancellationToken) =>
            throw new InvalidOperationException($"a withdrawal reads nothing on its own: {command}");

        public Task<IReadOnlyList<string>> ShowJsonEachAsync(IReadOnlyList<string> commands, CancellationToken cancellationToken)
        {
            Assert.Equal(["show ip ospf database external self-originate json", "show ipv6 ospf6 database as-external self-originated detail json", "show ip route json", "show ipv6 route json"], commands);
            Reads++;
            return Task.FromResult<IReadOnlyList<string>>(
            [
                External4,
                """{ "asScopedLinkStateDb": [ { "lsa": [ { "age": 2, "type": "AS-External", "metric": 200, "prefix": "2001:db8:d78:564::/96", "bits": "---" } ] } ] }""",
                Routes4,
                """{ "2001:db8:d78:564::/96": [ { "protocol": "kernel", "selected": true } ] }""",
            ]);
        }

        public Task ConfigureAsync(IReadOnlyList<string> lines, CancellationToken cancellationToken)
        {
            Configured.Add(lines);
            return Task.CompletedTask;
        }
    }
}
