using System.Globalization;
using System.Text;

namespace Border.App.Metrics;

/// <summary>Writes metrics in the Prometheus text exposition format (version 0.0.4).</summary>
internal sealed class MetricsText
{
    private readonly StringBuilder text = new();
    private readonly HashSet<string> described = new(StringComparer.Ordinal);

    /// <summary>Adds one sample; the metric's HELP and TYPE lines are written before its first sample.</summary>
    public MetricsText Sample(string name, string type, string help, double value, params (string Name, string Value)[] labels)
    {
        if (described.Add(name))
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        }

        text.Append(name);
        if (labels.Length > 0)
        {
            text.Append('{').AppendJoin(',', labels.Select(label => $"{label.Name}=\"{Escape(label.Value)}\"")).Append('}');
        }

        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        return this;
    }

    public override string ToString() => text.ToString();

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
