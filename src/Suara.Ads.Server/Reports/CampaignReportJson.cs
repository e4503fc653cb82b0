using System.IO.Pipelines;
using System.Text.Json;

namespace Suara.Ads.Server.Reports;

/// <summary>
/// A campaign report as JSON, streamed into the response: the same bytes as the serializer writes (a test compares
/// them), with its rows written one by one by a <see cref="Utf8JsonWriter"/> and sent every
/// <see cref="FlushBytes"/>, rather than a whole 90-day hourly report (tens of megabytes) serialised into memory
/// before its first byte leaves. The head and totals go through the serializer.
/// </summary>
internal static class CampaignReportJson
{
    /// <summary>How much JSON is written before it is sent.</summary>
    public const int FlushBytes = 64 * 1024;

    private static readonly JsonEncodedText s_campaignId = JsonEncodedText.Encode("campaignId");
    private static readonly JsonEncodedText s_from = JsonEncodedText.Encode("from");
    private static readonly JsonEncodedText s_to = JsonEncodedText.Encode("to");
    private static readonly JsonEncodedText s_granularity = JsonEncodedText.Encode("granularity");
    private static readonly JsonEncodedText s_timeZone = JsonEncodedText.Encode("timeZone");
    private static readonly JsonEncodedText s_totals = JsonEncodedText.Encode("totals");
    private static readonly JsonEncodedText s_rows = JsonEncodedText.Encode("rows");
    private static readonly JsonEncodedText s_time = JsonEncodedText.Encode("time");
    private static readonly JsonEncodedText s_creativeId = JsonEncodedText.Encode("creativeId");
    private static readonly JsonEncodedText s_placement = JsonEncodedText.Encode("placement");
    private static readonly JsonEncodedText s_served = JsonEncodedText.Encode("served");
    private static readonly JsonEncodedText s_impressions = JsonEncodedText.Encode("impressions");
    private static readonly JsonEncodedText s_viewable = JsonEncodedText.Encode("viewable");
    private static readonly JsonEncodedText s_clicks = JsonEncodedText.Encode("clicks");
    private static readonly JsonEncodedText s_invalid = JsonEncodedText.Encode("invalid");
    private static readonly JsonEncodedText s_invalidByReason = JsonEncodedText.Encode("invalidByReason");
    private static readonly JsonEncodedText s_bot = JsonEncodedText.Encode("bot");
    private static readonly JsonEncodedText s_prefetch = JsonEncodedText.Encode("prefetch");
    private static readonly JsonEncodedText s_noImpression = JsonEncodedText.Encode("noImpression");
    private static readonly JsonEncodedText s_flood = JsonEncodedText.Encode("flood");
    private static readonly JsonEncodedText s_noUserAgent = JsonEncodedText.Encode("noUserAgent");
    private static readonly JsonEncodedText s_ctr = JsonEncodedText.Encode("ctr");
    private static readonly JsonEncodedText s_viewableRate = JsonEncodedText.Encode("viewableRate");
    private static readonly JsonEncodedText s_spend = JsonEncodedText.Encode("spend");

    public static async Task WriteAsync(PipeWriter pipe, CampaignReport report, CancellationToken cancellationToken)
    {
        using var writer = new Utf8JsonWriter(pipe, new JsonWriterOptions { SkipValidation = true });
        var encoded = new Dictionary<string, JsonEncodedText>(ReferenceEqualityComparer.Instance);
        writer.WriteStartObject();
        writer.WriteString(s_campaignId, report.CampaignId);
        writer.WriteString(s_from, report.From);
        writer.WriteString(s_to, report.To);
        writer.WriteString(s_granularity, report.Granularity);
        writer.WriteString(s_timeZone, report.TimeZone);
        writer.WritePropertyName(s_totals);
        JsonSerializer.Serialize(writer, report.Totals, ReportsJsonContext.Written.ReportTotals);
        writer.WriteStartArray(s_rows);
        for (var i = 0; i < report.Rows.Count; i++)
        {
            if (report.Rows is ReportService.CampaignRowList rows)
            {
                // The service's rows, written from its arrays: no object per row.
                var counts = rows.Get(i, out var time, out var creative, out var placement, out var spend);
                WriteRow(writer, Encoded(encoded, time), creative is null ? null : Encoded(encoded, creative), placement is null ? null : Encoded(encoded, placement), counts, spend);
            }
            else
            {
                JsonSerializer.Serialize(writer, report.Rows[i], ReportsJsonContext.Written.CampaignReportRow);
            }

            if (writer.BytesPending >= FlushBytes)
            {
                writer.Flush();
                await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A row's text escaped for JSON once per report (its times and ids are one instance each, so found by reference):
    /// a 90-day hourly report writes each of them tens of thousands of times.
    /// </summary>
    private static JsonEncodedText Encoded(Dictionary<string, JsonEncodedText> encoded, string text)
    {
        if (!encoded.TryGetValue(text, out var json))
        {
            encoded[text] = json = JsonEncodedText.Encode(text);
        }

        return json;
    }

    /// <summary>A row as the serializer writes a <see cref="CampaignReportRow"/> made from <paramref name="counts"/>.</summary>
    private static void WriteRow(Utf8JsonWriter writer, JsonEncodedText time, JsonEncodedText? creative, JsonEncodedText? placement, ReadOnlySpan<long> counts, decimal? spend)
    {
        // The serializer's order: the row's own properties, then the counts it shares with the totals; nulls left out
        // (a row without invalid traffic has no invalidByReason).
        writer.WriteStartObject();
        writer.WriteString(s_time, time);
        if (creative is { } creativeId)
        {
            writer.WriteString(s_creativeId, creativeId);
        }

        if (placement is { } placementId)
        {
            writer.WriteString(s_placement, placementId);
        }

        var (served, impressions, viewable, clicks) = (counts[0], counts[1], counts[2], counts[3]);
        var (bot, prefetch, noImpression, flood, noUserAgent) = (counts[4], counts[5], counts[6], counts[7], counts[8]);
        var invalid = bot + prefetch + noImpression + flood + noUserAgent;
        writer.WriteNumber(s_served, served);
        writer.WriteNumber(s_impressions, impressions);
        writer.WriteNumber(s_viewable, viewable);
        writer.WriteNumber(s_clicks, clicks);
        writer.WriteNumber(s_invalid, invalid);
        if (invalid != 0)
        {
            writer.WriteStartObject(s_invalidByReason);
            writer.WriteNumber(s_bot, bot);
            writer.WriteNumber(s_prefetch, prefetch);
            writer.WriteNumber(s_noImpression, noImpression);
            writer.WriteNumber(s_flood, flood);
            writer.WriteNumber(s_noUserAgent, noUserAgent);
            writer.WriteEndObject();
        }

        writer.WriteNumber(s_ctr, ReportCounts.Rate(clicks, impressions));
        writer.WriteNumber(s_viewableRate, ReportCounts.Rate(viewable, impressions));
        if (spend is { } amount)
        {
            writer.WriteNumber(s_spend, amount);
        }

        writer.WriteEndObject();
    }
}
