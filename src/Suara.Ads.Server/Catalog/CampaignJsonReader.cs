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
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !TryReadCampaign(ref reader, strings, out var campaign))
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

    private static bool TryReadCampaign(ref Utf8JsonReader reader, CatalogStrings strings, out Campaign campaign)
    {
        campaign = new Campaign();
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property =
                reader.ValueTextEquals("id"u8) ? 0 :
                reader.ValueTextEquals("advertiserId"u8) ? 1 :
                reader.ValueTextEquals("name"u8) ? 2 :
                reader.ValueTextEquals("status"u8) ? 3 :
                reader.ValueTextEquals("start"u8) ? 4 :
                reader.ValueTextEquals("end"u8) ? 5 :
                reader.ValueTextEquals("priority"u8) ? 6 :
                reader.ValueTextEquals("weight"u8) ? 7 :
                reader.ValueTextEquals("goal"u8) ? 8 :
                reader.ValueTextEquals("rate"u8) ? 9 :
                reader.ValueTextEquals("pacing"u8) ? 10 :
                reader.ValueTextEquals("frequencyCap"u8) ? 11 :
                reader.ValueTextEquals("exclusionLabels"u8) ? 12 :
                reader.ValueTextEquals("placements"u8) ? 13 :
                reader.ValueTextEquals("targeting"u8) ? 14 :
                reader.ValueTextEquals("creatives"u8) ? 15 :
                reader.ValueTextEquals("roadblock"u8) ? 16 : -1;
            if (property < 0 || (seen & (1 << property)) != 0 || !reader.Read())
            {
                return false;
            }

            seen |= 1 << property;
            string text;
            var ok = property switch
            {
                0 => TryText(ref reader, out text) && Set(campaign.Id = text),
                1 => TryShared(ref reader, strings, out text) && Set(campaign.AdvertiserId = text),
                2 => TryText(ref reader, out text) && Set(campaign.Name = text),
                3 => TryShared(ref reader, strings, out text) && Set(campaign.Status = text),
                4 => TryDate(ref reader, out var start) && Set(campaign.Start = start),
                5 => TryDate(ref reader, out var end) && Set(campaign.End = end),
                6 => TryShared(ref reader, strings, out text) && Set(campaign.Priority = text),
                7 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var weight) && Set(campaign.Weight = weight),
                8 => TryReadGoal(ref reader, strings, out var goal) && Set(campaign.Goal = goal),
                9 => TryReadRate(ref reader, strings, out var rate) && Set(campaign.Rate = rate),
                10 => TryShared(ref reader, strings, out text) && Set(campaign.Pacing = text),
                11 => TryReadCap(ref reader, strings, out var cap) && Set(campaign.FrequencyCap = cap),
                12 => TryList(ref reader, strings, out var labels) && Set(campaign.ExclusionLabels = labels),
                13 => TryList(ref reader, strings, out var placements) && Set(campaign.Placements = placements),
                14 => TryText(ref reader, out text) && Set(campaign.Targeting = text),
                15 => TryReadCreatives(ref reader, strings, out var creatives) && Set(campaign.Creatives = creatives),
                _ => (reader.TokenType is JsonTokenType.True or JsonTokenType.False) && Set(campaign.Roadblock = reader.GetBoolean()),
            };
            if (!ok)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadGoal(ref Utf8JsonReader reader, CatalogStrings strings, out CampaignGoal goal)
    {
        goal = new CampaignGoal();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property =
                reader.ValueTextEquals("impressions"u8) ? 0 :
                reader.ValueTextEquals("clicks"u8) ? 1 :
                reader.ValueTextEquals("spend"u8) ? 2 :
                reader.ValueTextEquals("per"u8) ? 3 : -1;
            if (property < 0 || (seen & (1 << property)) != 0 || !reader.Read())
            {
                return false;
            }

            seen |= 1 << property;
            var ok = property switch
            {
                0 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var impressions) && Set(goal.Impressions = impressions),
                1 => reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var clicks) && Set(goal.Clicks = clicks),
                2 => reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var spend) && Set(goal.Spend = spend),
                _ => TryShared(ref reader, strings, out var per) && Set(goal.Per = per),
            };
            if (!ok)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadRate(ref Utf8JsonReader reader, CatalogStrings strings, out CampaignRate rate)
    {
        rate = new CampaignRate();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property =
                reader.ValueTextEquals("model"u8) ? 0 :
                reader.ValueTextEquals("amount"u8) ? 1 :
                reader.ValueTextEquals("currency"u8) ? 2 : -1;
            if (property < 0 || (seen & (1 << property)) != 0 || !reader.Read())
            {
                return false;
            }

            seen |= 1 << property;
            string text;
            var ok = property switch
            {
                0 => TryShared(ref reader, strings, out text) && Set(rate.Model = text),
                1 => reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var amount) && Set(rate.Amount = amount),
                _ => TryShared(ref reader, strings, out text) && Set(rate.Currency = text),
            };
            if (!ok)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryReadCap(ref Utf8JsonReader reader, CatalogStrings strings, out FrequencyCap cap)
    {
        cap = new FrequencyCap();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property =
                reader.ValueTextEquals("impressions"u8) ? 0 :
                reader.ValueTextEquals("per"u8) ? 1 : -1;
            if (property < 0 || (seen & (1 << property)) != 0 || !reader.Read())
            {
                return false;
            }

            seen |= 1 << property;
            var ok = property == 0
                ? reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var impressions) && Set(cap.Impressions = impressions)
                : TryShared(ref reader, strings, out var per) && Set(cap.Per = per);
            if (!ok)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
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

    private static bool TryReadCreative(ref Utf8JsonReader reader, CatalogStrings strings, out Creative creative)
    {
        creative = new Creative();
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property =
                reader.ValueTextEquals("id"u8) ? 0 :
                reader.ValueTextEquals("format"u8) ? 1 :
                reader.ValueTextEquals("size"u8) ? 2 :
                reader.ValueTextEquals("imageUrl"u8) ? 3 :
                reader.ValueTextEquals("alt"u8) ? 4 :
                reader.ValueTextEquals("headline"u8) ? 5 :
                reader.ValueTextEquals("body"u8) ? 6 :
                reader.ValueTextEquals("html"u8) ? 7 :
                reader.ValueTextEquals("clickUrl"u8) ? 8 :
                reader.ValueTextEquals("weight"u8) ? 9 : -1;
            if (property < 0 || (seen & (1 << property)) != 0 || !reader.Read())
            {
                return false;
            }

            seen |= 1 << property;
            string text;
            var ok = property switch
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
            if (!ok)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
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
