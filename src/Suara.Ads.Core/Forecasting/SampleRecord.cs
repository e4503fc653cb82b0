using System.Text.Json.Serialization;

namespace Suara.Ads.Core.Forecasting;

/// <summary>
/// One recorded decision request of the traffic sample, as stored (JSON, short names): what targeting reads, the
/// slots asked for, and the viewer as a keyed hash. Never the URL beyond its path, never a query string, never the
/// raw viewer id, never the client's address or User-Agent (only what was derived from it).
/// </summary>
public sealed record SampleRecord
{
    /// <summary>Seconds since the site-local midnight of the day the record is filed under.</summary>
    [JsonPropertyName("t")]
    public int Seconds { get; init; }

    /// <summary>The viewer's <see cref="Delivery.ViewerDigest"/> (a keyed hash); <c>null</c> for a request that named no viewer.</summary>
    [JsonPropertyName("v")]
    public string? Viewer { get; init; }

    /// <summary>Country.</summary>
    [JsonPropertyName("c")]
    public string? Country { get; init; }

    /// <summary>Region.</summary>
    [JsonPropertyName("r")]
    public string? Region { get; init; }

    /// <summary>Device class.</summary>
    [JsonPropertyName("d")]
    public string? Device { get; init; }

    /// <summary>Operating system family.</summary>
    [JsonPropertyName("o")]
    public string? Os { get; init; }

    /// <summary>Browser family.</summary>
    [JsonPropertyName("b")]
    public string? Browser { get; init; }

    /// <summary>Page language.</summary>
    [JsonPropertyName("l")]
    public string? Language { get; init; }

    /// <summary>Page section.</summary>
    [JsonPropertyName("s")]
    public string? Section { get; init; }

    /// <summary>The page URL's path only (no scheme, host, query or fragment).</summary>
    [JsonPropertyName("p")]
    public string? Path { get; init; }

    /// <summary>The referrer's host only.</summary>
    [JsonPropertyName("f")]
    public string? Referrer { get; init; }

    /// <summary>Page keywords.</summary>
    [JsonPropertyName("k")]
    public IReadOnlyList<string>? Keywords { get; init; }

    /// <summary>The page's key-values.</summary>
    [JsonPropertyName("kv")]
    public IReadOnlyDictionary<string, string>? Kv { get; init; }

    /// <summary>The slots, in page order.</summary>
    [JsonPropertyName("sl")]
    public IReadOnlyList<SampleSlot> Slots { get; init; } = [];
}

/// <summary>One slot of a <see cref="SampleRecord"/>.</summary>
public sealed record SampleSlot
{
    /// <summary>The page's slot id.</summary>
    [JsonPropertyName("i")]
    public string Id { get; init; } = "";

    /// <summary>The placement id.</summary>
    [JsonPropertyName("p")]
    public string Placement { get; init; } = "";

    /// <summary>The sizes the slot accepted, when it narrowed the placement's (<c>728x90</c>).</summary>
    [JsonPropertyName("z")]
    public IReadOnlyList<string>? Sizes { get; init; }

    /// <summary>The slot's key-values (the page's with the slot's over them), when it had its own.</summary>
    [JsonPropertyName("kv")]
    public IReadOnlyDictionary<string, string>? Kv { get; init; }
}

/// <summary>Source-generated JSON of the traffic sample's records.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SampleRecord))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
