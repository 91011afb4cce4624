using System.Text.Json.Nodes;
using Border.App.Configuration;

namespace Border.Tests.App.Configuration;

/// <summary>How dns64.unbound binds to the Unbound engine's options: the service's Debian paths, or border's child
/// with its files under the state directory.</summary>
public sealed class ConfigBinderTests
{
    private static readonly string LabGateway = File.ReadAllText(Path.Combine(TestPaths.Examples, "lab", "gw1.json"));

    [Fact]
    public void UnboundEngine_RunChild_PutsItsFilesUnderTheStateDirectory()
    {
        var options = ConfigBinder.UnboundEngine(ConfigLoader.Parse(LabGateway, "gw1.json"));

        Assert.Equal("/run/border-lab/gw1/state/unbound.conf", options.ConfigPath);
        Assert.Equal("/run/border-lab/gw1/state/unbound-dns64.conf", options.SnippetPath);
        Assert.Equal("/run/border-lab/gw1/state/unbound.ctl", options.Child?.ControlSocket);
        Assert.Equal("server.example.", options.ProbeName);
    }

    [Fact]
    public void UnboundEngine_RunChildWithPaths_KeepsThem()
    {
        var options = ConfigBinder.UnboundEngine(Parse("""{"run": "child", "config": "/srv/dns/unbound.conf", "snippet": "/srv/dns/dns64.conf", "control_socket": "/srv/dns/unbound.ctl"}"""));

        Assert.Equal("/srv/dns/unbound.conf", options.ConfigPath);
        Assert.Equal("/srv/dns/dns64.conf", options.SnippetPath);
        Assert.Equal("/srv/dns/unbound.ctl", options.Child?.ControlSocket);
    }

    [Fact]
    public void UnboundEngine_RunService_UsesTheSystemsPathsAndStartCommand()
    {
        var options = ConfigBinder.UnboundEngine(Parse("""{"run": "service"}"""));

        Assert.Null(options.Child);
        Assert.Equal("/etc/unbound/unbound.conf", options.ConfigPath);
        Assert.Equal("/etc/unbound/unbound.conf.d/border-dns64.conf", options.SnippetPath);
        Assert.Equal(["/usr/bin/systemctl", "start", "unbound"], options.StartCommand);
    }

    [Fact]
    public void UnboundEngine_RunServiceWithStartCommand_UsesIt()
    {
        var options = ConfigBinder.UnboundEngine(Parse("""{"run": "service", "start_command": ["/usr/sbin/service", "unbound", "start"]}"""));

        Assert.Null(options.Child);
        Assert.Equal(["/usr/sbin/service", "unbound", "start"], options.StartCommand);
    }

    private static GatewayConfig Parse(string unbound)
    {
        var root = JsonNode.Parse(LabGateway, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;
        root["dns64"]!["unbound"] = JsonNode.Parse(unbound);
        return ConfigLoader.Parse(root.ToJsonString(), "gw1.json");
    }
}
