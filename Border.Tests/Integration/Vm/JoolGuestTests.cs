namespace Border.Tests.Integration.Vm;

/// <summary>The VM tier's Jool smoke scenario (tests/vm/scenarios/jool-smoke.sh), in the tier's one boot after
/// jool-border: jool driven by hand, with the module border loaded, translates ICMP, TCP and UDP from its pool4.</summary>
[Collection(VmGuestCollection.Name)]
public sealed class JoolGuestTests(VmGuestGroup group)
{
    [Fact]
    public async Task JoolSmoke_ModuleBorderLoaded_TranslatesIcmpTcpAndUdpFromThePool()
    {
        var guest = await group.GetAsync();

        var output = File.Exists(guest.File("output.log")) ? await File.ReadAllTextAsync(guest.File("output.log"), TestContext.Current.CancellationToken) : "";
        Assert.True(guest.ScenarioStatus("jool-smoke") == 0, $"jool-smoke failed (exit {guest.ScenarioStatus("jool-smoke")}):\n{output}\n{guest.Logs()}");
        Assert.Contains("PASS: jool-smoke", output, StringComparison.Ordinal);
    }
}
