using Border.Routing;
using Border.Routing.Speakers;
using Border.Routing.Speakers.Gobgp;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Routing.Speakers.Gobgp;

public sealed class GrpcGobgpClientTests
{
    // Nothing listens here: a request that reaches the wire fails as Unavailable.
    private const string Nowhere = "unix:///nonexistent/border-unit.sock";

    [Fact]
    public async Task DeletePath_EmptyUuid_RefusedBeforeAnythingIsSent()
    {
        using var client = NewClient(retryAttempts: 1, TimeSpan.FromMilliseconds(10));

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => client.DeletePathAsync(ByteString.Empty, TestContext.Current.CancellationToken));

        Assert.Equal("uuid", error.ParamName);
    }

    [Fact]
    public async Task ListPeers_GobgpdUnreachable_RetriesThenErrorNamesEndpoint()
    {
        using var client = NewClient(retryAttempts: 2, TimeSpan.FromMilliseconds(10));

        var error = await Assert.ThrowsAsync<SpeakerException>(() => client.ListPeersAsync(TestContext.Current.CancellationToken));

        Assert.StartsWith($"gobgpd at {Nowhere}: ListPeer failed: Unavailable", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListPeers_CancelledWhileRetrying_ThrowsOperationCanceledNotSpeakerError()
    {
        using var client = NewClient(retryAttempts: 5, TimeSpan.FromSeconds(10));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ListPeersAsync(cancellation.Token));
    }

    private static GrpcGobgpClient NewClient(int retryAttempts, TimeSpan retryDelay) =>
        new(
            new GobgpOptions { Endpoint = Nowhere, RetryAttempts = retryAttempts, RetryDelay = retryDelay },
            TimeProvider.System,
            NullLogger<GrpcGobgpClient>.Instance);
}
