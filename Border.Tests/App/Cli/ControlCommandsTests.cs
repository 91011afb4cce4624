using System.CommandLine;
using Border.App.Cli;
using Border.App.Control;
using Microsoft.Extensions.Logging.Abstractions;

namespace Border.Tests.App.Cli;

/// <summary>status, drain and undrain against a control socket served by a scripted daemon.</summary>
public sealed class ControlCommandsTests : IDisposable
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-22T10:00:00Z");
    private readonly string directory = Directory.CreateTempSubdirectory("border-cli-").FullName;

    private string SocketPath => Path.Combine(directory, "control.sock");

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Status_RunningDaemon_PrintsServicesChecksAndAttractionsPerSpeaker()
    {
        await using var daemon = ControlServer.Start(SocketPath, "border", new ScriptedDaemon(), NullLogger.Instance);

        var (exit, output, error) = await InvokeAsync("status", "--socket", SocketPath);

        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Equal(
            """
            gateway gw1 at 2026-11-22 10:00:00.000Z; uplink up: 203.0.113.1 established, default received

            SERVICE  ENGINE  HEALTH  DRAIN                                                         REASON
            nat44    nft     up      -                                                             all 1 checks pass
            nat64    tayga   up      drained by root at 2026-11-22 10:00:00.000Z (kernel upgrade)  all 1 checks pass

            SERVICE  CHECK          RESULT  AT                        TOOK    REASON
            nat44    nft-table      pass    2026-11-22 10:00:00.000Z  1.5 ms  table inet border matches
            nat64    tayga-process  pass    2026-11-22 10:00:00.000Z  0.0 ms  tayga running (pid 42)

            PROTOCOL  PREFIX                 WANTED    FRR        GOBGP      REASON
            ospf      0.0.0.0/0              announce  announced  -          in-service: held by nat44
            ospf6     2001:db8:d78:564::/96  withdraw  withdrawn  -          drained: nat64 drained by root (kernel upgrade)
            bgp       192.0.2.0/30           announce  -          announced  in-service: held by nat44

            """.ReplaceLineEndings("\n"),
            output);
    }

    [Fact]
    public async Task StatusJson_RunningDaemon_PrintsTheReport()
    {
        await using var daemon = ControlServer.Start(SocketPath, "border", new ScriptedDaemon(), NullLogger.Instance);

        var (exit, output, error) = await InvokeAsync("status", "--json", "--socket", SocketPath);

        Assert.True(exit == ExitCodes.Ok, error);
        Assert.Contains("\"gateway\": \"gw1\"", output, StringComparison.Ordinal);
        Assert.Contains("\"prefix\": \"2001:db8:d78:564::/96\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drain_Service_SendsItWithTheReasonAndPrintsTheAnswer()
    {
        var scripted = new ScriptedDaemon();
        await using var daemon = ControlServer.Start(SocketPath, "border", scripted, NullLogger.Instance);

        var (exit, output, _) = await InvokeAsync("drain", "--service", "nat64", "--reason", "kernel upgrade", "--socket", SocketPath);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("drained nat64\n", output);
        Assert.Equal(new ControlRequest("drain", ["nat64"], "kernel upgrade").Reason, scripted.Last!.Reason);
        Assert.Equal(["nat64"], scripted.Last.Services);
    }

    [Fact]
    public async Task UndrainAll_SendsEveryService()
    {
        var scripted = new ScriptedDaemon();
        await using var daemon = ControlServer.Start(SocketPath, "border", scripted, NullLogger.Instance);

        var (exit, _, _) = await InvokeAsync("undrain", "--all", "--socket", SocketPath);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("undrain", scripted.Last!.Command);
        Assert.Equal(["nat44", "nat66", "nat64", "dns64"], scripted.Last.Services);
    }

    [Fact]
    public async Task Status_NoDaemon_ExitsTwoSayingSo()
    {
        var (exit, output, error) = await InvokeAsync("status", "--socket", SocketPath);

        Assert.Equal(ExitCodes.RuntimeFailure, exit);
        Assert.Empty(output);
        Assert.Equal($"border status: no border daemon is running here: {SocketPath} does not exist (start it with 'border run')\n", error);
    }

    [Fact]
    public async Task Drain_UnknownService_ExitsOneWithoutAskingTheDaemon()
    {
        var (exit, _, error) = await InvokeAsync("drain", "--service", "nat46", "--socket", SocketPath);

        Assert.Equal(ExitCodes.InvalidInput, exit);
        Assert.Contains("nat46", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var exit = await BorderCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private sealed class ScriptedDaemon : IControlHandler
    {
        public ControlRequest? Last { get; private set; }

        public Task<ControlResponse> HandleAsync(ControlRequest request, ControlPeer peer, CancellationToken cancellationToken)
        {
            Last = request;
            return Task.FromResult(request.Command switch
            {
                "status" => new ControlResponse(true, "status", Report()),
                "drain" or "undrain" => new ControlResponse(true, $"{request.Command}ed {string.Join(", ", request.Services!)}"),
                _ => throw new InvalidOperationException($"unexpected request {request.Command}"),
            });
        }

        private static StatusReport Report() => new(
            "gw1",
            At,
            new UplinkStatus(true, "203.0.113.1 established, default received"),
            [
                new ServiceStatus("nat44", "nft", "up", "all 1 checks pass", [new CheckStatus("nft-table", true, "table inet border matches", At, 1.5)], null),
                new ServiceStatus("nat64", "tayga", "up", "all 1 checks pass", [new CheckStatus("tayga-process", true, "tayga running (pid 42)", At, 0)], new DrainStatus("root", At, "kernel upgrade")),
            ],
            [
                new AttractionStatus("ospf", "0.0.0.0/0", true, "in-service: held by nat44", new Dictionary<string, bool> { ["frr"] = true }),
                new AttractionStatus("ospf6", "2001:db8:d78:564::/96", false, "drained: nat64 drained by root (kernel upgrade)", new Dictionary<string, bool> { ["frr"] = false }),
                new AttractionStatus("bgp", "192.0.2.0/30", true, "in-service: held by nat44", new Dictionary<string, bool> { ["gobgp"] = true }),
            ]);
    }
}
