using System.Text.Json;
using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// Reads a stored campaign straight from its UTF-8 JSON, for whole loads (100k campaigns at a start): the shared
/// strings (statuses, advertiser ids, placement lists, sizes, formats, click URLs, creative ids) are looked up from
/// the bytes and only allocated the first time, and nothing else is allocated but the campaign itself. It reads the
/// shape the catalog writes (<see cref="CatalogJsonContext"/>: camelCase names, each at most once, values of their
/// own types, no nulls) and gives up on anything else, for the serializer to read as it always did: whatever this
/// reader returns is what <see cref="RedisCatalogStore.Deserialize"/> through the serializer would have returned,
/// strings shared alike, and whatever it refuses (a name in another case, a null, a duplicate, a wrong type, text
/// that is not JSON) is read, or refused with its error, by the serializer.
/// </summary>
internal static class CampaignJsonReader
{
    private static readonly JsonReaderOptions s_options = new() { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, MaxDepth = 64 };

    [ThreadStatic]
    private static List<string>? t_strings;

    [ThreadStatic]
    private static List<Creative>? t_creatives;

    /// <summary>The campaign, or <c>null</c> when <paramref name="json"/> is not in the shape the catalog writes.</summary>
    public static Campaign? TryRead(ReadOnlySpan<byte> json, CatalogStrings strings)
    {
        try
        {
            var reader = new Utf8JsonReader(json, s_options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !TryObject(ref reader, strings, s_campaignNames, ReadCampaignProperty, out Campaign campaign))
            {
                return null;
            }

            // Nothing but white space may follow (the reader throws on anything else).
            return reader.Read() ? null : campaign;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Reads a property's value (the reader on it) into <paramref name="target"/>; <c>false</c> when it is not of the written shape.</summary>
    private delegate bool PropertyReader<T>(ref Utf8JsonReader reader, CatalogStrings strings, T target, int property);

    /// <summary>
    /// Reads an object of the written shape into a new <paramref name="target"/>: only the <paramref name="names"/>
    /// (property K is <c>names[K]</c>), each at most once, each value read by <paramref name="read"/>; <c>false</c> for
    /// anything else.
    /// </summary>
    private static bool TryObject<T>(ref Utf8JsonReader reader, CatalogStrings strings, byte[][] names, PropertyReader<T> read, out T target)
        where T : new()
    {
        target = new T();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = -1;
            for (var k = 0; k < names.Length && property < 0; k++)
            {
                if (reader.ValueTextEquals(names[k]))
                {
                    property = k;
                }
            }

            if (property < 0 || (seen & (1 << property)) != 0 || !reader.Read() || !read(ref reader, strings, target, property))
            {
                return false;
            }

            seen |= 1 << property;
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static byte[][] Names(params string[] names) => [.. names.Select(System.Text.Encoding.UTF8.GetBytes)];

    private static readonly byte[][] s_campaignNames = Names("id", "advertiserId", "name", "status", "start", "end", "priority", "weight", "goal", "rate", "pacing", "frequencyCap", "exclusionLabels", "placements", "targeting", "creatives", "roadblock");

    private static bool ReadCampaignProperty(ref Utf8JsonReader reader, CatalogStrings strings, Campaign campaign, int property)
    {
        string text;
        return property switch
        {
            0 => TryText(ref reader, out text) && Set(campaign.Id = text),
            1 => TryShared(ref reader, strings, out text) && Set(campaign.AdvertiserId = text),
            2 => TryText(ref reader, out text) && Set(campaign.Name = text),
            3 => TryShared(ref reader, strings, out text) && Set(campaign.Status = text),
            4 => TryDate(ref reader, out var start) && Set(campaign.Start = start),
            5 => TryDate(ref reader, out var end) && Set(campaign.End = end),
            6 => TryShared(ref reader, strings, out text) && Set(campaign.Priority = text),
            7 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var weight) && Set(campaign.Weight = weight),
            8 => TryObject(ref reader, strings, s_goalNames, ReadGoalProperty, out CampaignGoal goal) && Set(campaign.Goal = goal),
            9 => TryObject(ref reader, strings, s_rateNames, ReadRateProperty, out CampaignRate rate) && Set(campaign.Rate = rate),
            10 => TryShared(ref reader, strings, out text) && Set(campaign.Pacing = text),
            11 => TryObject(ref reader, strings, s_capNames, ReadCapProperty, out FrequencyCap cap) && Set(campaign.FrequencyCap = cap),
            12 => TryList(ref reader, strings, out var labels) && Set(campaign.ExclusionLabels = labels),
            13 => TryList(ref reader, strings, out var placements) && Set(campaign.Placements = placements),
            14 => TryText(ref reader, out text) && Set(campaign.Targeting = text),
            15 => TryReadCreatives(ref reader, strings, out var creatives) && Set(campaign.Creatives = creatives),
            _ => (reader.TokenType is JsonTokenType.True or JsonTokenType.False) && Set(campaign.Roadblock = reader.GetBoolean()),
        };
    }

    private static readonly byte[][] s_goalNames = Names("impressions", "clicks", "spend", "per");

    private static bool ReadGoalProperty(ref Utf8JsonReader reader, CatalogStrings strings, CampaignGoal goal, int property)
    {
        return property switch
        {
            0 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var impressions) && Set(goal.Impressions = impressions),
            1 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var clicks) && Set(goal.Clicks = clicks),
            2 => reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var spend) && Set(goal.Spend = spend),
            _ => TryShared(ref reader, strings, out var per) && Set(goal.Per = per),
        };
    }

    private static readonly byte[][] s_rateNames = Names("model", "amount", "currency");

    private static bool ReadRateProperty(ref Utf8JsonReader reader, CatalogStrings strings, CampaignRate rate, int property)
    {
        string text;
        return property switch
        {
            0 => TryShared(ref reader, strings, out text) && Set(rate.Model = text),
            1 => reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var amount) && Set(rate.Amount = amount),
            _ => TryShared(ref reader, strings, out text) && Set(rate.Currency = text),
        };
    }

    private static readonly byte[][] s_capNames = Names("impressions", "per");

    private static bool ReadCapProperty(ref Utf8JsonReader reader, CatalogStrings strings, FrequencyCap cap, int property)
    {
        return property == 0
            ? reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var impressions) && Set(cap.Impressions = impressions)
            : TryShared(ref reader, strings, out var per) && Set(cap.Per = per);
    }

    private static bool TryReadCreatives(ref Utf8JsonReader reader, CatalogStrings strings, out IReadOnlyList<Creative> creatives)
    {
        creatives = [];
        var list = t_creatives ??= [];
        if (!TryArray(ref reader, strings, JsonTokenType.StartObject, TryReadCreative, list))
        {
            return false;
        }

        // An exact-size array, as CatalogStrings.Share makes of the serializer's list.
        creatives = list.Count == 0 ? Array.Empty<Creative>() : list.ToArray();
        list.Clear();
        return true;
    }

    /// <summary>Reads one element of an array (the reader on its first token) into <paramref name="value"/>.</summary>
    private delegate bool ElementReader<T>(ref Utf8JsonReader reader, CatalogStrings strings, out T value);

    /// <summary>
    /// Reads an array whose elements all start with <paramref name="first"/> into <paramref name="into"/> (cleared
    /// first); <c>false</c> for anything else.
    /// </summary>
    private static bool TryArray<T>(ref Utf8JsonReader reader, CatalogStrings strings, JsonTokenType first, ElementReader<T> read, List<T> into)
    {
        into.Clear();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == first)
        {
            if (!read(ref reader, strings, out var value))
            {
                return false;
            }

            into.Add(value);
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    private static readonly byte[][] s_creativeNames = Names("id", "format", "size", "imageUrl", "alt", "headline", "body", "html", "clickUrl", "weight");

    private static bool TryReadCreative(ref Utf8JsonReader reader, CatalogStrings strings, out Creative creative) =>
        TryObject(ref reader, strings, s_creativeNames, ReadCreativeProperty, out creative);

    private static bool ReadCreativeProperty(ref Utf8JsonReader reader, CatalogStrings strings, Creative creative, int property)
    {
        string text;
        return property switch
        {
            0 => TryShared(ref reader, strings, out text) && Set(creative.Id = text),
            1 => TryShared(ref reader, strings, out text) && Set(creative.Format = text),
            2 => TryShared(ref reader, strings, out text) && Set(creative.Size = text),
            3 => TryText(ref reader, out text) && Set(creative.ImageUrl = text),
            4 => TryShared(ref reader, strings, out text) && Set(creative.Alt = text),
            5 => TryText(ref reader, out text) && Set(creative.Headline = text),
            6 => TryText(ref reader, out text) && Set(creative.Body = text),
            7 => TryText(ref reader, out text) && Set(creative.Html = text),
            8 => TryShared(ref reader, strings, out text) && Set(creative.ClickUrl = text),
            _ => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var weight) && Set(creative.Weight = weight),
        };
    }

    /// <summary>A list of strings, as <see cref="CatalogStrings.Share(IReadOnlyList{string})"/> shares it.</summary>
    private static bool TryList(ref Utf8JsonReader reader, CatalogStrings strings, out IReadOnlyList<string> values)
    {
        values = [];
        var list = t_strings ??= [];
        if (!TryArray(ref reader, strings, JsonTokenType.String, TryShared, list))
        {
            return false;
        }

        values = strings.ShareList(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
        list.Clear();
        return true;
    }

    private static bool TryText(ref Utf8JsonReader reader, out string value)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            value = "";
            return false;
        }

        value = reader.GetString()!;
        return true;
    }

    /// <summary>A string shared through <paramref name="strings"/>, decoded on the stack and allocated only when it is new.</summary>
    private static bool TryShared(ref Utf8JsonReader reader, CatalogStrings strings, out string value)
    {
        value = "";
        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > CatalogStrings.MaxSharedLength)
        {
            // Escapes to undo, or (at more than MaxSharedLength bytes, perhaps characters) longer than is shared.
            value = strings.Share(reader.GetString()!);
            return true;
        }

        Span<char> chars = stackalloc char[CatalogStrings.MaxSharedLength];
        if (System.Text.Unicode.Utf8.ToUtf16(reader.ValueSpan, chars, out _, out var written, replaceInvalidSequences: false) != System.Buffers.OperationStatus.Done)
        {
            return false; // not UTF-8: the serializer says so
        }

        value = strings.Share(chars[..written]);
        return true;
    }

    private static bool TryDate(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        value = default;
        return reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out value);
    }

    /// <summary>Lets an assignment stand in a chain of conditions.</summary>
    private static bool Set<T>(T value)
    {
        _ = value;
        return true;
    }
}
