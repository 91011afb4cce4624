using Border.Nat.Anycast;
using Border.Nat.Dns;
using Border.Nat.Jool;
using Border.Nat.Links;
using Border.Nat.Nat64;
using Border.Nat.Nftables;
using Border.Nat.Processes;
using Border.Nat.Tayga;
using Border.Nat.Tools;
using Border.Nat.Unbound;
using Border.Routing.Processes;
using Microsoft.Extensions.Logging;

namespace Border.Nat;

/// <summary>Builds each engine over the real tools: the one place the clients are wired to their commands.</summary>
/// <remarks>The App passes the real runner, launcher and sockets; the integration tests pass ones that run
/// everything inside the gateway's network namespace, so both build exactly the same engines.</remarks>
internal sealed class NatEngineFactory(
    NatToolOptions tools,
    ICommandRunner runner,
    IProcessLauncher launcher,
    IUdpSocketFactory sockets,
    TimeProvider time,
    ILoggerFactory loggers)
{
    /// <summary>The factory for a production gateway: commands and sockets in border's own namespace.</summary>
    public static NatEngineFactory ForHost(NatToolOptions tools, TimeProvider time, ILoggerFactory loggers) =>
        new(tools, new ProcessCommandRunner(), new ChildProcessLauncher(), new UdpSocketFactory(), time, loggers);

    public NftablesEngine Nftables(NftablesOptions options) =>
        new(options, new NftCli(runner, tools), new NftMonitorTableWatcher(launcher, tools), time, loggers.CreateLogger<NftablesEngine>());

    /// <summary>Events for a link's state, as the kernel reports it (the uplink's interface).</summary>
    public LinkEvents Link(string device) => new(device, new IpMonitorLinkWatcher(launcher, tools), new IpCli(runner, tools), time);

    public JoolEngine Jool(JoolOptions options, JoolEngineOptions engineOptions) =>
        new(options, engineOptions, new JoolCli(runner, tools), time, loggers.CreateLogger<JoolEngine>());

    /// <summary>Counts the Jool instance's sessions, for the metrics endpoint.</summary>
    public JoolSessionCounter JoolSessions(JoolOptions options) => new(options, runner, tools);

    public TaygaEngine Tayga(TaygaOptions options, TaygaEngineOptions engineOptions) =>
        new(
            options,
            engineOptions,
            new TaygaCli(runner, launcher, tools),
            new IpCli(runner, tools),
            new IpMonitorLinkWatcher(launcher, tools),
            time,
            loggers.CreateLogger<TaygaEngine>(),
            engineOptions.ProbeTarget is { } target
                ? new Nat64PingProbe(options.Prefix, target, engineOptions.ProbeTimeout, runner, tools, time)
                : null);

    public UnboundEngine Unbound(UnboundOptions options, UnboundEngineOptions engineOptions, AnycastOptions anycast) =>
        new(
            options,
            engineOptions,
            new UnboundCli(runner, launcher, tools),
            new AnycastAddresses(anycast, new IpCli(runner, tools), loggers.CreateLogger<AnycastAddresses>()),
            new UdpDnsClient(sockets),
            time,
            loggers.CreateLogger<UnboundEngine>());
}
