using System.Text;
using System.Text.Json;

namespace Border.Routing.Speakers.Frr;

/// <summary>Parses FRR's JSON answers.</summary>
internal static class FrrJson
{
    /// <summary>Parses an answer; a daemon with nothing to report may answer with nothing at all, read as <c>{}</c>.</summary>
    public static JsonDocument Parse(string json) => JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);

    /// <summary>Parses an answer that vtysh gathered from several daemons: one JSON object after another.</summary>
    public static IReadOnlyList<JsonElement> ParseEach(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { AllowMultipleValues = true });
        var documents = new List<JsonElement>();
        while (reader.Read())
        {
            using var document = JsonDocument.ParseValue(ref reader);
            documents.Add(document.RootElement.Clone());
        }

        return documents;
    }
}
