using Border.Nat.Links;
using Border.Tests.Nat.Tayga;

namespace Border.Tests.Nat.Links;

/// <summary>The uplink's link as events: the kernel's notifications played through the fake watcher.</summary>
public sealed class LinkEventsTests
{
    [Theory]
    [InlineData(false, "DOWN", "link upstream down (operstate DOWN, set down)")]
    [InlineData(true, "LOWERLAYERDOWN", "link upstream down (operstate LOWERLAYERDOWN)")]
    public async Task Notification_LinkDown_FailsAtOnceAndOnlyOnce_UpAgainRecovers(bool adminUp, string operState, string reason)
    {
        var (_, watcher, events) = Make(new LinkState("upstream", true, "UP"));
        await events.StartAsync(TestContext.Current.CancellationToken);
        Assert.True(events.Events.TryRead(out _));

        watcher.OnChange!(new LinkState("upstream", adminUp, operState));
        watcher.OnChange!(new LinkState("upstream", false, "DOWN"));
        watcher.OnChange!(new LinkState("upstream", true, "UP"));

        Assert.True(events.Events.TryRead(out var down));
        Assert.Equal((false, reason), (down.Healthy, down.Reason));
        Assert.True(events.Events.TryRead(out var up));
        Assert.Equal((true, "link upstream up"), (up.Healthy, up.Reason));
        Assert.False(events.Events.TryRead(out _));
    }

    [Fact]
    public async Task Start_LinkUp_PublishesItsStateOnceAndWatchesTheDevice()
    {
        var (links, watcher, events) = Make(new LinkState("upstream", true, "UP"));

        await events.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal("upstream", watcher.Device);
        Assert.True(events.Events.TryRead(out var first));
        Assert.Equal(("link upstream", true, "link upstream up"), (first.Check, first.Healthy, first.Reason));
        Assert.False(events.Events.TryRead(out _));
        Assert.Empty(links.Routes);
    }

    [Fact]
    public async Task Start_LinkMissing_Fails()
    {
        var (_, watcher, events) = Make(null);

        await events.StartAsync(TestContext.Current.CancellationToken);

        Assert.True(events.Events.TryRead(out var missing));
        Assert.Equal((false, "link upstream missing"), (missing.Healthy, missing.Reason));
        watcher.OnChange!(null);
        Assert.False(events.Events.TryRead(out _));
    }

    private static (FakeLinks Links, FakeLinkWatcher Watcher, LinkEvents Events) Make(LinkState? state)
    {
        var links = new FakeLinks();
        if (state is not null)
        {
            links.Links[state.Device] = state;
        }

        var watcher = new FakeLinkWatcher();
        return (links, watcher, new LinkEvents("upstream", watcher, links, TimeProvider.System));
    }
}
