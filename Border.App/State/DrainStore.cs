using System.Text.Json;
using System.Text.Json.Serialization;
using Border.Routing.Attractions;
using Border.Routing.Policy;

namespace Border.App.State;

/// <summary>The operators' drains, kept in a file under the state directory so they survive restarts and reboots.</summary>
/// <remarks>Every change is written to a temporary file and renamed over the old one, so a crash leaves
/// either the old drains or the new ones, never half a file.</remarks>
internal sealed class DrainStore
{
    private readonly string path;
    private readonly Dictionary<Service, Drain> drains;

    private DrainStore(string path, Dictionary<Service, Drain> drains)
    {
        this.path = path;
        this.drains = drains;
    }

    public IReadOnlyDictionary<Service, Drain> Drains => drains;

    /// <summary>Loads the drains from <c>drains.json</c> in <paramref name="stateDirectory"/>; none when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file exists but cannot be understood; it names the file and the problem.</exception>
    public static DrainStore Load(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "drains.json");
        if (!File.Exists(path))
        {
            return new DrainStore(path, []);
        }

        Dictionary<string, DrainRecord>? records;
        try
        {
            records = JsonSerializer.Deserialize(File.ReadAllText(path), DrainJson.Default.DictionaryStringDrainRecord);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: the drain state cannot be read ({ex.Message}); fix or remove the file, then start border again", ex);
        }

        var drains = new Dictionary<Service, Drain>();
        foreach (var (name, record) in records ?? [])
        {
            if (!ServiceNames.TryParse(name, out var service))
            {
                throw new InvalidDataException($"{path}: unknown service {name}; fix or remove the file, then start border again");
            }

            drains[service] = new Drain(record.By, record.At, record.Reason);
        }

        return new DrainStore(path, drains);
    }

    /// <summary>Drains a service and writes the change; draining a drained service keeps the first drain.</summary>
    /// <returns>Whether anything changed.</returns>
    public bool Drain(Service service, Drain drain)
    {
        if (!drains.TryAdd(service, drain))
        {
            return false;
        }

        Save();
        return true;
    }

    /// <summary>Undrains a service and writes the change.</summary>
    /// <returns>Whether anything changed.</returns>
    public bool Undrain(Service service)
    {
        if (!drains.Remove(service))
        {
            return false;
        }

        Save();
        return true;
    }

    private void Save()
    {
        var records = drains.ToDictionary(pair => pair.Key.Name(), pair => new DrainRecord(pair.Value.By, pair.Value.At, pair.Value.Reason));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".new";
        File.WriteAllText(temporary, JsonSerializer.Serialize(records, DrainJson.Default.DictionaryStringDrainRecord));
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>A drain as the state file holds it.</summary>
internal sealed record DrainRecord(string By, DateTimeOffset At, string? Reason);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(Dictionary<string, DrainRecord>))]
internal sealed partial class DrainJson : JsonSerializerContext;
