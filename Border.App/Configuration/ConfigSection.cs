using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Border.Routing;

namespace Border.App.Configuration;

/// <summary>Reads one JSON object of the config file, field by field, collecting errors instead of stopping.</summary>
/// <remarks>
/// Every getter records its key as known, so <see cref="RejectUnknownKeys"/> can report any key nobody asked
/// for: a misspelt key is an error, never silently ignored. A getter returns <see langword="null"/> both when
/// the key is absent and when its value is wrong; in the second case it has already recorded the error.
/// </remarks>
internal sealed class ConfigSection
{
    private readonly JsonElement element;
    private readonly List<ConfigError> errors;
    private readonly HashSet<string> known = new(StringComparer.Ordinal);

    private ConfigSection(JsonElement element, string path, List<ConfigError> errors)
    {
        this.element = element;
        this.errors = errors;
        Path = path;
    }

    public string Path { get; }

    public static ConfigSection Root(JsonElement element, List<ConfigError> errors) => new(element, "", errors);

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public void Error(string key, string? value, string rule) => errors.Add(new ConfigError(PathOf(key), value, rule));

    public bool Has(string key)
    {
        known.Add(key);
        return element.TryGetProperty(key, out var value) && value.ValueKind != JsonValueKind.Null;
    }

    public ConfigSection? Section(string key)
    {
        if (!TryGet(key, JsonValueKind.Object, "must be an object", out var value))
        {
            return null;
        }

        return new ConfigSection(value, PathOf(key), errors);
    }

    /// <summary>The section if present, otherwise an empty one, so defaults apply and unknown keys are still caught.</summary>
    public ConfigSection SectionOrEmpty(string key) => Section(key) ?? new ConfigSection(EmptyObject, PathOf(key), errors);

    public IReadOnlyList<ConfigSection> Sections(string key)
    {
        if (!TryGet(key, JsonValueKind.Array, "must be a list", out var array))
        {
            return [];
        }

        var sections = new List<ConfigSection>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            var itemPath = $"{PathOf(key)}[{index++}]";
            if (item.ValueKind == JsonValueKind.Object)
            {
                sections.Add(new ConfigSection(item, itemPath, errors));
            }
            else
            {
                errors.Add(new ConfigError(itemPath, item.GetRawText(), "must be an object"));
            }
        }

        return sections;
    }

    public string? String(string key) =>
        TryGet(key, JsonValueKind.String, "must be a string", out var value) ? value.GetString() : null;

    public bool? Bool(string key)
    {
        known.Add(key);
        if (!element.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        Error(key, value.GetRawText(), "must be true or false");
        return null;
    }

    public long? Integer(string key, long min, long max, string rule)
    {
        if (!TryGet(key, JsonValueKind.Number, "must be a whole number", out var value))
        {
            return null;
        }

        if (!value.TryGetInt64(out var number))
        {
            Error(key, value.GetRawText(), "must be a whole number");
            return null;
        }

        if (number < min || number > max)
        {
            Error(key, value.GetRawText(), rule);
            return null;
        }

        return number;
    }

    /// <summary>A duration written as a number and a unit: <c>500ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>.</summary>
    public TimeSpan? Duration(string key)
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (TryParseDuration(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        Error(key, text, "must be a positive duration with a unit: ms, s or m (for example 500ms, 2s)");
        return null;
    }

    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        var text = String(key);
        if (text is null)
        {
            return null;
        }

        if (choices.TryGetValue(text, out var choice))
        {
            return choice;
        }

        Error(key, text, "must be one of " + string.Join(", ", choices.Keys));
        return null;
    }

    public ValueList<string>? Strings(string key)
    {
        if (!TryGet(key, JsonValueKind.Array, "must be a list of strings", out var array))
        {
            return null;
        }

        var strings = new List<string>();
        var index = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                strings.Add(item.GetString()!);
            }
            else
            {
                errors.Add(new ConfigError($"{PathOf(key)}[{index}]", item.GetRawText(), "must be a string"));
            }

            index++;
        }

        return [.. strings];
    }

    /// <summary>A prefix in CIDR notation, of the given family, with no bits set past its length.</summary>
    public IPNetwork? Prefix(string key, AddressFamily family) =>
        String(key) is { } text ? ParsePrefix(PathOf(key), text, family) : null;

    public ValueList<IPNetwork>? Prefixes(string key, AddressFamily family)
    {
        var texts = Strings(key);
        if (texts is null)
        {
            return null;
        }

        var prefixes = new List<IPNetwork>();
        for (var index = 0; index < texts.Count; index++)
        {
            if (ParsePrefix($"{PathOf(key)}[{index}]", texts[index], family) is { } prefix)
            {
                prefixes.Add(prefix);
            }
        }

        return [.. prefixes];
    }

    public IPAddress? Address(string key, AddressFamily? family)
    {
        var text = String(key);
        return text is null ? null : ParseAddress(PathOf(key), text, family);
    }

    public ValueList<IPAddress>? AddressList(string key, AddressFamily? family)
    {
        var texts = Strings(key);
        if (texts is null)
        {
            return null;
        }

        var addresses = new List<IPAddress>();
        for (var index = 0; index < texts.Count; index++)
        {
            if (ParseAddress($"{PathOf(key)}[{index}]", texts[index], family) is { } address)
            {
                addresses.Add(address);
            }
        }

        return [.. addresses];
    }

    /// <summary>Reports every key of this object that no getter asked for. Call after reading all fields.</summary>
    public void RejectUnknownKeys()
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
            {
                errors.Add(new ConfigError(
                    PathOf(property.Name),
                    null,
                    "unknown key; known keys here are " + string.Join(", ", known.Order(StringComparer.Ordinal))));
            }
        }
    }

    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = default;
        var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1.0)
            : text.EndsWith('s') ? (text[..^1], 1000.0)
            : text.EndsWith('m') ? (text[..^1], 60_000.0)
            : (null, 0);
        if (number is null || !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(value * scale);
        return true;
    }

    private IPNetwork? ParsePrefix(string path, string text, AddressFamily family)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var familyName = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        var maxLength = family == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            errors.Add(new ConfigError(path, text, $"must be an {familyName} prefix in CIDR notation (address/length)"));
            return null;
        }

        if (address.AddressFamily != family)
        {
            errors.Add(new ConfigError(path, text, $"must be an {familyName} prefix"));
            return null;
        }

        if (length > maxLength)
        {
            errors.Add(new ConfigError(path, text, $"length must be at most {maxLength}"));
            return null;
        }

        var network = new IPNetwork(Addresses.Mask(address, length), length);
        if (!network.BaseAddress.Equals(address))
        {
            errors.Add(new ConfigError(path, text, $"host bits are set past /{length}; the prefix is {network}"));
            return null;
        }

        return network;
    }

    private IPAddress? ParseAddress(string path, string text, AddressFamily? family)
    {
        if (!IPAddress.TryParse(text, out var address) || text.Contains('/', StringComparison.Ordinal))
        {
            errors.Add(new ConfigError(path, text, "must be an IP address"));
            return null;
        }

        if (family is { } expected && address.AddressFamily != expected)
        {
            errors.Add(new ConfigError(path, text, expected == AddressFamily.InterNetwork ? "must be an IPv4 address" : "must be an IPv6 address"));
            return null;
        }

        return address;
    }

    private bool TryGet(string key, JsonValueKind kind, string rule, out JsonElement value)
    {
        known.Add(key);
        if (!element.TryGetProperty(key, out value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind != kind)
        {
            Error(key, value.GetRawText(), rule);
            return false;
        }

        return true;
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;
}
