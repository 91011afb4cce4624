using Border.Routing;
using Border.Routing.Speakers.Gobgp;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.Routing.Speakers.Gobgp;

public sealed class GrpcGobgpClientTests
{
    [Fact]
    public async Task DeletePath_EmptyUuid_RefusedBeforeAnythingIsSent()
    {
        // The endpoint does not exist: a request that got as far as the wire would fail as Unavailable instead.
        using var client = new GrpcGobgpClient(
            new GobgpOptions { Endpoint = "unix:///nonexistent/border-unit.sock", RetryAttempts = 1 },
            TimeProvider.System,
            NullLogger<GrpcGobgpClient>.Instance);

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => client.DeletePathAsync(ByteString.Empty, TestContext.Current.CancellationToken));

        Assert.Equal("uuid", error.ParamName);
    }
}
