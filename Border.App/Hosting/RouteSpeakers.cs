using Border.App.Configuration;
using Border.Routing.Processes;
using Border.Routing.Speakers;
using Border.Routing.Speakers.Frr;
using Border.Routing.Speakers.Gobgp;
using Border.Routing.Uplink;
using Microsoft.Extensions.Logging;

namespace Border.App.Hosting;

/// <summary>The speakers a config names (FRR for OSPF, GoBGP or FRR for BGP) and where the uplink's state is read.</summary>
/// <param name="Owned">What must be disposed with them (the gRPC channel).</param>
internal sealed record RouteSpeakers(IReadOnlyList<IRouteSpeaker> Speakers, IUplinkStateSource UplinkSource, IReadOnlyList<IDisposable> Owned)
{
    public static RouteSpeakers Build(GatewayConfig config, TimeProvider time, ILoggerFactory loggers)
    {
        var frr = new VtyshTransport(config.Routing.Frr, new ProcessCommandRunner());
        var ospf = new FrrOspfSpeaker(frr, time, loggers.CreateLogger<FrrOspfSpeaker>());
        if (config.Routing.Bgp.Speaker != SpeakerKind.Gobgp)
        {
            return new RouteSpeakers([ospf, new FrrBgpSpeaker(frr, config.Routing.Bgp, loggers.CreateLogger<FrrBgpSpeaker>())], new FrrUplinkSource(frr), []);
        }

        var client = new GrpcGobgpClient(config.Routing.Gobgp, time, loggers.CreateLogger<GrpcGobgpClient>());
        return new RouteSpeakers([ospf, new GobgpSpeaker(client, loggers.CreateLogger<GobgpSpeaker>())], new GobgpUplinkSource(client), [client]);
    }
}
