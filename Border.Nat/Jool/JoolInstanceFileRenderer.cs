using System.Text;
using System.Text.Json;

namespace Border.Nat.Jool;

/// <summary>Renders the JSON instance file <c>jool file handle</c> applies.</summary>
internal static class JoolInstanceFileRenderer
{
    public static string Render(JoolOptions options)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("instance", options.Instance);
            json.WriteString("framework", "netfilter");
            json.WriteStartObject("global");
            json.WriteString("pool6", options.Pool6.ToString());
            json.WriteNumber("lowest-ipv6-mtu", options.LowestIpv6Mtu);
            json.WriteEndObject();
            json.WriteStartArray("pool4");
            WritePool4Entry(json, "TCP", options);
            WritePool4Entry(json, "UDP", options);
            WritePool4Entry(json, "ICMP", options);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WritePool4Entry(Utf8JsonWriter json, string protocol, JoolOptions options)
    {
        var ports = protocol switch
        {
            "TCP" => options.TcpPorts,
            "UDP" => options.UdpPorts,
            _ => options.IcmpIds,
        };
        json.WriteStartObject();
        json.WriteString("protocol", protocol);
        json.WriteString("prefix", options.Pool4.ToString());
        json.WriteString("port range", ports.ToString());
        json.WriteEndObject();
    }
}
