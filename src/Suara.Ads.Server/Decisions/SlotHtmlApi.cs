using System.Text;
using Microsoft.Extensions.Primitives;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Traffic;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// <c>GET /v1/slot.html</c>: one slot as a document for an <c>iframe</c>, for pages that allow no script. It shares the
/// decision pipeline and the slot renderer with <c>POST /v1/decisions</c>.
/// </summary>
internal static class SlotHtmlApi
{
    /// <summary>
    /// Scripts are never allowed: the slot is plain markup, counted with an image pixel. The policy is inherited by
    /// the <c>srcdoc</c> iframe of html creatives too, so they render as static markup here.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; frame-src *; base-uri 'none'; form-action 'none'";

    private const string EmptyDocument =
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>Advertisement</title></head><body></body></html>";

    // Query parameter -> the field path DecisionRequestMapper reports, so that errors name what the caller sent.
    private static readonly (string Field, string Parameter)[] s_fieldNames =
    [
        ("slots[0].placement", "placement"),
        ("slots[0].id", "placement"),
        ("slots", "placement"),
        ("page.url", "url"),
        ("page.section", "section"),
        ("page.language", "language"),
        ("page.keywords", "keywords"),
        ("user.id", "user"),
    ];

    public static IEndpointRouteBuilder MapSlotHtmlApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/slot.html", RenderSlotAsync)
            .WithName("RenderSlot")
            .WithTags("Snippet")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesValidationProblem()
            .RequireRateLimiting(RateLimits.Decisions);

        return app;
    }

    private static async Task<IResult> RenderSlotAsync(
        HttpContext http,
        DecisionPipeline pipeline,
        SlotRenderer renderer,
        CancellationToken cancellationToken)
    {
        http.Response.Headers.XContentTypeOptions = "nosniff";
        var query = http.Request.Query;
        var errors = new ValidationErrors();
        var site = Single(query, "site", errors);
        var placement = Single(query, "placement", errors);
        var section = Single(query, "section", errors);
        var language = Single(query, "language", errors);
        var keywords = Single(query, "keywords", errors);
        var user = Single(query, "user", errors);

        // Without an explicit url, the page that frames the slot is the one its Referer names (when it sends one).
        var url = Single(query, "url", errors);
        if (url is null && http.Request.Headers.Referer.ToString() is { Length: > 0 and <= DecisionRequestMapper.MaxStringLength } referer)
        {
            url = referer;
        }

        if (!errors.IsEmpty)
        {
            return Problems.Validation(errors, "The slot request is not valid.");
        }

        var body = new DecisionRequestBody
        {
            Site = site,
            Slots = [new SlotBody { Id = "slot", Placement = placement }],
            Page = new PageBody
            {
                Url = url,
                Section = section,
                Language = language,
                Keywords = keywords?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            },
            User = user is { Length: > 0 } ? new UserBody { Id = user } : null,
        };

        var outcome = await pipeline.RunAsync(http, body, explain: false, server: false, cancellationToken).ConfigureAwait(false);
        if (outcome.Refusal is not null)
        {
            // Framed on a page outside the site's domains: 403, and the reader sees an empty slot, not an error.
            return Results.Content(EmptyDocument, "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status403Forbidden);
        }

        if (!outcome.Decided)
        {
            return Problems.Validation(Rename(outcome.Errors!), "The slot request " + outcome.Detail);
        }

        http.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer-when-downgrade";
        if (renderer.Render(http, outcome.Request, outcome.Result).Slots[0] is not { } slot)
        {
            return Results.Content(EmptyDocument, "text/html; charset=utf-8", Encoding.UTF8);
        }

        return Results.Content(Document(slot.Html, renderer.Absolute(http, slot.ImpressionUrl)), "text/html; charset=utf-8", Encoding.UTF8);
    }

    // Only catalog values (encoded by CreativeMarkup) and signed URLs reach the document; nothing from the query.
    private static string Document(string markup, string impression) =>
        new StringBuilder(markup.Length + 512)
            .Append("<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>Advertisement</title>")
            .Append("<style>html,body{margin:0;padding:0;overflow:hidden;background:transparent}</style></head><body>")
            .Append(markup)
            .Append("<img src=\"").Append(System.Net.WebUtility.HtmlEncode(impression))
            .Append("\" width=\"1\" height=\"1\" alt=\"\" style=\"position:absolute;left:-10px;top:-10px;border:0\">")
            .Append("</body></html>")
            .ToString();

    private static string? Single(IQueryCollection query, string name, ValidationErrors errors)
    {
        if (!query.TryGetValue(name, out StringValues values))
        {
            return null;
        }

        if (values.Count > 1)
        {
            errors.Add(name, "must be given once");
            return null;
        }

        return values[0];
    }

    private static ValidationErrors Rename(ValidationErrors errors)
    {
        var renamed = new ValidationErrors();
        foreach (var (field, messages) in errors.ToDictionary())
        {
            var name = field;
            foreach (var (from, to) in s_fieldNames)
            {
                if (field == from || field.StartsWith(from + "[", StringComparison.Ordinal))
                {
                    name = to;
                    break;
                }
            }

            foreach (var message in messages)
            {
                renamed.Add(name, message);
            }
        }

        return renamed;
    }
}
