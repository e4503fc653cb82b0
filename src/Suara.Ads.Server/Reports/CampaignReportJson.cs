using System.Buffers;
using System.Buffers.Text;
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
        if (report.Rows is ReportService.CampaignRowList rows)
        {
            // The service's rows, written from its arrays straight into the pipe: no object, and none of the writer's
            // checks, per row (a 90-day hourly report has hundreds of thousands).
            writer.Flush();
            await WriteRowsAsync(pipe, rows, cancellationToken).ConfigureAwait(false);
            return;
        }

        writer.WriteStartArray(s_rows);
        foreach (var row in report.Rows)
        {
            JsonSerializer.Serialize(writer, row, ReportsJsonContext.Written.CampaignReportRow);
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
    /// The rows and the end of the report, after the totals: formatted a chunk of <see cref="ChunkRows"/> rows at a time
    /// on the thread pool, a few chunks ahead of the one being sent (a long report keeps both cores busy, one
    /// formatting while the other sends), and written in order.
    /// </summary>
    private static async Task WriteRowsAsync(PipeWriter pipe, ReportService.CampaignRowList rows, CancellationToken cancellationToken)
    {
        var chunks = (rows.Count + ChunkRows - 1) / ChunkRows;
        var ahead = Math.Max(2, Environment.ProcessorCount);
        var formatted = new Task<(byte[] Buffer, int Length)>[chunks];
        for (var c = 0; c < Math.Min(ahead, chunks); c++)
        {
            formatted[c] = FormatChunkAsync(rows, c);
        }

        Write(pipe, ",\"rows\":["u8);
        try
        {
            for (var c = 0; c < chunks; c++)
            {
                var (buffer, length) = await formatted[c].ConfigureAwait(false);
                formatted[c] = null!;
                if (c + ahead < chunks)
                {
                    formatted[c + ahead] = FormatChunkAsync(rows, c + ahead);
                }

                pipe.Write(buffer.AsSpan(0, length));
                ArrayPool<byte>.Shared.Return(buffer);
                await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            // The reader went away: let the chunks being formatted finish before the rows' arrays are given back.
            foreach (var chunk in formatted.Where(f => f is not null))
            {
                await chunk.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            throw;
        }

        Write(pipe, "]}"u8);
        await pipe.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many rows a chunk of a report's rows has.</summary>
    private const int ChunkRows = 2048;

    private static Task<(byte[] Buffer, int Length)> FormatChunkAsync(ReportService.CampaignRowList rows, int chunk) => Task.Run(() =>
    {
        var encoded = new Dictionary<string, JsonEncodedText>(ReferenceEqualityComparer.Instance);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkRows * 320);
        var used = 0;
        for (var i = chunk * ChunkRows; i < Math.Min(rows.Count, (chunk + 1) * ChunkRows); i++)
        {
            var counts = rows.Get(i, out var time, out var creative, out var placement, out var spend);
            var (t, c, p) = (Encoded(encoded, time), creative is null ? (JsonEncodedText?)null : Encoded(encoded, creative), placement is null ? (JsonEncodedText?)null : Encoded(encoded, placement));
            var room = 512 + t.EncodedUtf8Bytes.Length + (c?.EncodedUtf8Bytes.Length ?? 0) + (p?.EncodedUtf8Bytes.Length ?? 0);
            if (buffer.Length - used < room)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, used + room));
                buffer.AsSpan(0, used).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }

            used += WriteRow(buffer.AsSpan(used), i > 0, t, c, p, counts, spend);
        }

        return (buffer, used);
    });

    private static int Write(PipeWriter pipe, ReadOnlySpan<byte> bytes)
    {
        pipe.Write(bytes);
        return bytes.Length;
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

    /// <summary>
    /// A row as the serializer writes a <see cref="CampaignReportRow"/> made from <paramref name="counts"/>, with a comma
    /// before it unless it is the first: its order, nulls left out (a row without invalid traffic has no
    /// invalidByReason), numbers formatted as <see cref="Utf8JsonWriter"/> formats them. Answers the bytes written.
    /// </summary>
    private static int WriteRow(Span<byte> span, bool comma, JsonEncodedText time, JsonEncodedText? creative, JsonEncodedText? placement, ReadOnlySpan<long> counts, decimal? spend)
    {
        var n = 0;
        Put(span, ref n, comma ? ",{\"time\":\""u8 : "{\"time\":\""u8);
        Put(span, ref n, time.EncodedUtf8Bytes);
        if (creative is { } creativeId)
        {
            Put(span, ref n, "\",\"creativeId\":\""u8);
            Put(span, ref n, creativeId.EncodedUtf8Bytes);
        }

        if (placement is { } placementId)
        {
            Put(span, ref n, "\",\"placement\":\""u8);
            Put(span, ref n, placementId.EncodedUtf8Bytes);
        }

        var (served, impressions, viewable, clicks) = (counts[0], counts[1], counts[2], counts[3]);
        var (bot, prefetch, noImpression, flood, noUserAgent) = (counts[4], counts[5], counts[6], counts[7], counts[8]);
        var invalid = bot + prefetch + noImpression + flood + noUserAgent;
        Put(span, ref n, "\",\"served\":"u8, served);
        Put(span, ref n, ",\"impressions\":"u8, impressions);
        Put(span, ref n, ",\"viewable\":"u8, viewable);
        Put(span, ref n, ",\"clicks\":"u8, clicks);
        Put(span, ref n, ",\"invalid\":"u8, invalid);
        if (invalid != 0)
        {
            Put(span, ref n, ",\"invalidByReason\":{\"bot\":"u8, bot);
            Put(span, ref n, ",\"prefetch\":"u8, prefetch);
            Put(span, ref n, ",\"noImpression\":"u8, noImpression);
            Put(span, ref n, ",\"flood\":"u8, flood);
            Put(span, ref n, ",\"noUserAgent\":"u8, noUserAgent);
            Put(span, ref n, "}"u8);
        }

        Put(span, ref n, ",\"ctr\":"u8);
        n += WriteRate(ReportCounts.Rate(clicks, impressions), span[n..]);
        Put(span, ref n, ",\"viewableRate\":"u8);
        n += WriteRate(ReportCounts.Rate(viewable, impressions), span[n..]);
        if (spend is { } amount)
        {
            Put(span, ref n, ",\"spend\":"u8);
            Utf8Formatter.TryFormat(amount, span[n..], out var written);
            n += written;
        }

        Put(span, ref n, "}"u8);
        return n;
    }

    /// <summary>
    /// A rate rounded to 6 places (<see cref="ReportCounts.Rate"/>) as <see cref="Utf8JsonWriter"/> writes it (the
    /// shortest text that reads back as the same double), made from its millionths rather than by formatting a double,
    /// which took a twentieth of a long report's time: the shortest text of the double nearest to k millionths is k
    /// millionths written out (any other decimal of 6 places or fewer is a millionth away, a distance no double near
    /// it spans), in exponent form below 0.0001, as .NET writes those. A test compares it with the formatter for every
    /// rate from 0 to 2. Answers the bytes written.
    /// </summary>
    internal static int WriteRate(double rate, Span<byte> into)
    {
        var millionths = (long)Math.Round(rate * 1_000_000d);
        if (rate < 0 || millionths >= 1_000_000_000_000_000L || millionths / 1_000_000d != rate)
        {
            Utf8Formatter.TryFormat(rate, into, out var formatted);
            return formatted;
        }

        if (millionths == 0)
        {
            into[0] = (byte)'0';
            return 1;
        }

        var n = 0;
        if (millionths < 100)
        {
            // 1E-06 to 9.9E-05.
            var (first, second) = millionths >= 10 ? (millionths / 10, millionths % 10) : (millionths, 0L);
            into[n++] = (byte)('0' + first);
            if (second != 0)
            {
                into[n++] = (byte)'.';
                into[n++] = (byte)('0' + second);
            }

            Put(into, ref n, millionths >= 10 ? "E-05"u8 : "E-06"u8);
            return n;
        }

        Utf8Formatter.TryFormat(millionths / 1_000_000, into, out var whole);
        n += whole;
        var fraction = millionths % 1_000_000;
        if (fraction != 0)
        {
            into[n++] = (byte)'.';
            Span<byte> digits = stackalloc byte[6];
            for (var d = 5; d >= 0; d--, fraction /= 10)
            {
                digits[d] = (byte)('0' + (fraction % 10));
            }

            var length = 6;
            while (digits[length - 1] == '0')
            {
                length--;
            }

            Put(into, ref n, digits[..length]);
        }

        return n;
    }

    private static void Put(Span<byte> span, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(span[at..]);
        at += bytes.Length;
    }

    private static void Put(Span<byte> span, ref int at, ReadOnlySpan<byte> name, long value)
    {
        Put(span, ref at, name);
        Utf8Formatter.TryFormat(value, span[at..], out var written);
        at += written;
    }
}
