using System.Text.Encodings.Web;
using System.Text.Json;
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
    private static readonly JsonEncodedText s_impressionUrl = JsonEncodedText.Encode("impressionUrl");
    private static readonly JsonEncodedText s_viewableUrl = JsonEncodedText.Encode("viewableUrl");
    private static readonly JsonEncodedText s_clickUrl = JsonEncodedText.Encode("clickUrl");

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

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

            writer.WriteStartObject(id);
            writer.WriteString(s_campaignId, slot.Decision.Campaign.Id);
            writer.WriteString(s_creativeId, slot.Decision.Creative.Id);
            writer.WriteString(s_format, slot.Decision.Creative.Format);
            writer.WriteNumber(s_width, slot.Decision.Size.Width);
            writer.WriteNumber(s_height, slot.Decision.Size.Height);
            writer.WriteString(s_html, slot.Html);
            writer.WriteString(s_impressionUrl, slot.ImpressionUrl);
            writer.WriteString(s_viewableUrl, slot.ViewableUrl);
            writer.WriteString(s_clickUrl, slot.ClickUrl);
            writer.WriteEndObject();
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
