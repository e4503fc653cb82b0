using System.Text.Encodings.Web;
using System.Text.Json;
using Suara.Ads.Core.Events;
using Suara.Ads.Core.Selection;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// A counted decision's answer (<see cref="DecisionResponse"/> without explain), written straight into the response with
/// a <see cref="Utf8JsonWriter"/>: the same JSON as the serializer writes (property names, order, nulls, escaping only
/// what JSON needs, as <see cref="Hosting.JsonWire"/>), without building the response's dictionaries and records first
/// or going through the serializer's dictionary converter, which the profile of the decision path found among its
/// largest costs. An explain goes through the serializer (<see cref="DecisionsApi"/>): it is rare and has more shapes.
/// </summary>
internal sealed class DecisionJsonResult : IResult
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private static readonly JsonEncodedText s_decisionId = JsonEncodedText.Encode("decisionId");
    private static readonly JsonEncodedText s_slots = JsonEncodedText.Encode("slots");
    private static readonly JsonEncodedText s_errors = JsonEncodedText.Encode("errors");
    private static readonly JsonEncodedText s_campaignId = JsonEncodedText.Encode("campaignId");
    private static readonly JsonEncodedText s_creativeId = JsonEncodedText.Encode("creativeId");
    private static readonly JsonEncodedText s_format = JsonEncodedText.Encode("format");
    private static readonly JsonEncodedText s_width = JsonEncodedText.Encode("width");
    private static readonly JsonEncodedText s_height = JsonEncodedText.Encode("height");
    private static readonly JsonEncodedText s_html = JsonEncodedText.Encode("html");

    // What follows the markup in a slot's object, around its three tokens (property names as the serializer writes them).
    private static readonly byte[] s_afterHtml = System.Text.Encoding.ASCII.GetBytes($"\",\"impressionUrl\":\"{EventUrls.PathPrefix}");
    private static readonly byte[] s_afterImpression = System.Text.Encoding.ASCII.GetBytes($"\",\"viewableUrl\":\"{EventUrls.PathPrefix}");
    private static readonly byte[] s_afterViewable = System.Text.Encoding.ASCII.GetBytes($"\",\"clickUrl\":\"{EventUrls.PathPrefix}");
    private static readonly byte[] s_end = "\"}"u8.ToArray();

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static byte[]? t_scratch;

    private readonly RenderedPage _page;
    private readonly DecisionRequest _request;
    private readonly DecisionResult _result;
    private readonly IReadOnlyList<KeyValuePair<string, string>>? _slotErrors;

    public DecisionJsonResult(RenderedPage page, DecisionRequest request, DecisionResult result, IReadOnlyList<KeyValuePair<string, string>>? slotErrors)
    {
        _page = page;
        _request = request;
        _result = result;
        _slotErrors = slotErrors;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "application/json; charset=utf-8";
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(response.BodyWriter, s_options);
        }
        else
        {
            writer.Reset(response.BodyWriter);
        }

        try
        {
            Write(writer);
            writer.Flush();
        }
        finally
        {
            writer.Reset(); // lets go of this response's pipe
        }

        var flush = response.BodyWriter.FlushAsync(httpContext.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    /// <summary>
    /// <paramref name="value"/> as the content of a JSON string as this answer writes it (UTF-8, escaped as
    /// <see cref="s_options"/> escape, without the quotes): what a slot's markup is kept as (<see cref="MadeMarkup"/>).
    /// </summary>
    internal static byte[] JsonContent(string value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStringValue(value);
        }

        return buffer.WrittenSpan[1..^1].ToArray();
    }

    /// <summary>
    /// A filled slot's object, written raw from one buffer: its head (campaign, creative, format, size and the start of
    /// <c>html</c>, made once per creative and campaign), the markup's made parts with the click URL between them (the
    /// base URL and event path, encoded once, and the click token), then the three event URLs (the event path and each
    /// token, ASCII that JSON leaves as it is). The same bytes as writing each property of <see cref="RenderedSlot"/>,
    /// which the tests hold it to.
    /// </summary>
    private static void WriteSlot(Utf8JsonWriter writer, RenderedSlot slot)
    {
        var markup = slot.Markup;
        var campaign = slot.Decision.Campaign.Id;
        var head = markup.JsonHead is { } known && ReferenceEquals(known.Campaign, campaign) ? known : (markup.JsonHead = new SlotHead(campaign, Head(slot)));
        var impression = slot.Token(EventType.Impression);
        var viewable = slot.Token(EventType.Viewable);
        var click = slot.Token(EventType.Click);
        var parts = markup.JsonParts;
        var length = head.Json.Length + ((parts.Length - 1) * (markup.ClickPrefixJson.Length + click.Length))
            + s_afterHtml.Length + s_afterImpression.Length + s_afterViewable.Length + s_end.Length + (3 * click.Length);
        foreach (var part in parts)
        {
            length += part.Length;
        }

        var buffer = t_scratch is { } scratch && scratch.Length >= length ? scratch : (t_scratch = new byte[Math.Max(length, 8192)]);
        var n = Append(buffer, 0, head.Json);
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                n = Append(buffer, n, markup.ClickPrefixJson);
                n = Append(buffer, n, click);
            }

            n = Append(buffer, n, parts[i]);
        }

        n = Append(buffer, n, s_afterHtml);
        n = Append(buffer, n, impression);
        n = Append(buffer, n, s_afterImpression);
        n = Append(buffer, n, viewable);
        n = Append(buffer, n, s_afterViewable);
        n = Append(buffer, n, click);
        n = Append(buffer, n, s_end);
        writer.WriteRawValue(buffer.AsSpan(0, n), skipInputValidation: true);
    }

    private static int Append(byte[] buffer, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.AsSpan(at));
        return at + bytes.Length;
    }

    /// <summary>A slot object's head: <c>{"campaignId":…,"creativeId":…,"format":…,"width":…,"height":…,"html":"</c>.</summary>
    private static byte[] Head(RenderedSlot slot)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            writer.WriteString(s_campaignId, slot.Decision.Campaign.Id);
            writer.WriteString(s_creativeId, slot.Decision.Creative.Id);
            writer.WriteString(s_format, slot.Decision.Creative.Format);
            writer.WriteNumber(s_width, slot.Decision.Size.Width);
            writer.WriteNumber(s_height, slot.Decision.Size.Height);
            writer.WritePropertyName(s_html);
        }

        return [.. buffer.WrittenSpan, (byte)'"'];
    }

    /// <summary>Writes the answer: each decided slot in request order (null for a no-fill), then the slots that could not be decided, null, with their reasons in <c>errors</c>.</summary>
    internal void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(s_decisionId, _page.DecisionId);
        writer.WriteStartObject(s_slots);
        for (var i = 0; i < _page.Slots.Length; i++)
        {
            if (!_result.SlotValid(i))
            {
                continue; // named in errors below
            }

            var id = _request.Slots[i].Id;
            if (_page.Slots[i] is not { } slot)
            {
                writer.WriteNull(id);
                continue;
            }

            writer.WritePropertyName(id);
            WriteSlot(writer, slot);
        }

        if (_slotErrors is { } errors)
        {
            // A slot id given twice is decided under its first slot, and an error's id once, with its first reason.
            var written = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < _page.Slots.Length; i++)
            {
                if (_result.SlotValid(i))
                {
                    written.Add(_request.Slots[i].Id);
                }
            }

            foreach (var (id, _) in errors)
            {
                if (written.Add(id))
                {
                    writer.WriteNull(id);
                }
            }

            writer.WriteEndObject();
            writer.WriteStartObject(s_errors);
            var reasons = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (id, message) in errors)
            {
                if (reasons.Add(id))
                {
                    writer.WriteString(id, message);
                }
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
