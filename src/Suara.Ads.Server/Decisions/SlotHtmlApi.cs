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
    /// The frame's one script: it tells the page that frames it what became of the slot (a <c>postMessage</c> of
    /// <c>{ type: 'suara-ads:slot', status, width, height }</c>, so the page may collapse or size the frame) and, once
    /// at least half of the creative has been in view for one continuous second, sends the viewable event. It reads
    /// its data from a JSON block, so it is the same text on every answer and the policy can allow it by its hash;
    /// where the frame is sandboxed without scripts nothing runs, and the slot is counted by its pixel alone.
    /// </summary>
    private const string FrameScript =
        "(function(){var c=JSON.parse(document.getElementById('suara-slot').textContent),p=window.parent;" +
        "try{if(p&&p!==window)p.postMessage({type:'suara-ads:slot',status:c.status,width:c.width,height:c.height},'*')}catch(e){}" +
        "var el=document.body.firstElementChild;if(!c.viewable||!el||!('IntersectionObserver'in window))return;" +
        "var r=0,t=0,done=false,io;function check(){var v=r>=0.5&&!document.hidden;" +
        "if(v&&!t&&!done){t=setTimeout(function(){t=0;if(r>=0.5&&!document.hidden&&!done){done=true;io.disconnect();new Image().src=c.viewable}},1000)}" +
        "else if(!v&&t){clearTimeout(t);t=0}}" +
        "io=new IntersectionObserver(function(e){r=e[0].isIntersecting?e[0].intersectionRatio:0;check()},{threshold:[0,0.5,1]});" +
        "io.observe(el);document.addEventListener('visibilitychange',check)})();";

    /// <summary>
    /// No script but <see cref="FrameScript"/> (by its hash), images from anywhere (the creative's, the pixel, the
    /// viewable event), inline styles, frames for html creatives (which inherit the policy, so they render as static
    /// markup here).
    /// </summary>
    private static readonly string s_contentSecurityPolicy =
        "default-src 'none'; script-src 'sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(FrameScript))) +
        "'; img-src * data:; style-src 'unsafe-inline'; frame-src *; base-uri 'none'; form-action 'none'";

    // Query parameter -> the field path DecisionRequestMapper reports, so that errors name what the caller sent.
    private static readonly (string Field, string Parameter)[] s_fieldNames =
    [
        ("slots[0].placement", "placement"),
        ("slots[0].sizes", "sizes"),
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
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = s_contentSecurityPolicy;
        headers.CacheControl = "no-store";

        // The frame's page, the viewer id and the page's own URL stay here: the creative's images and links, the
        // landing page after a click, never learn them from a Referer.
        headers["Referrer-Policy"] = "no-referrer";
        var query = http.Request.Query;
        var errors = new ValidationErrors();
        var site = Single(query, "site", errors);
        var placement = Single(query, "placement", errors);
        var sizes = Single(query, "sizes", errors);
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
            return Refuse(http, errors, "The slot request is not valid.");
        }

        var body = new DecisionRequestBody
        {
            Site = site,
            Slots = [new SlotBody { Id = "slot", Placement = placement, Sizes = sizes?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) }],
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
            return Results.Content(Document(null, "error", 0, 0, null), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status403Forbidden);
        }

        if (!outcome.Decided)
        {
            return Refuse(http, Rename(outcome.Errors!), "The slot request " + outcome.Detail);
        }

        if (renderer.Render(http, outcome.Request, outcome.Result).Slots[0] is not { } slot)
        {
            return Results.Content(Document(null, "empty", 0, 0, null), "text/html; charset=utf-8", Encoding.UTF8);
        }

        var size = slot.Decision.Size;
        return Results.Content(
            Document(slot.Html + Pixel(renderer.Absolute(http, slot.ImpressionUrl)), "filled", size.Width, size.Height, renderer.Absolute(http, slot.ViewableUrl)),
            "text/html; charset=utf-8",
            Encoding.UTF8);
    }

    /// <summary>
    /// A request that cannot be served: a frame (a browser asking for HTML) gets a 400 with an empty document, so
    /// readers never see an error (and the page is told, see <see cref="FrameScript"/>); anyone else the problem.
    /// </summary>
    private static IResult Refuse(HttpContext http, ValidationErrors errors, string title)
    {
        var accept = http.Request.Headers.Accept.ToString();
        if (accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Content(Document(null, "error", 0, 0, null), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        // A problem body is not a document for a frame: no frame policy needed for it.
        http.Response.Headers.Remove("Content-Security-Policy");
        return Problems.Validation(errors, title);
    }

    // Only catalog values (encoded by CreativeMarkup), signed URLs and numbers reach the document; nothing from the query.
    private static string Document(string? markup, string status, int width, int height, string? viewable)
    {
        var data = new System.Text.Json.Nodes.JsonObject { ["status"] = status, ["width"] = width, ["height"] = height, ["viewable"] = viewable };
        return new StringBuilder((markup?.Length ?? 0) + 2048)
            .Append("<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>Advertisement</title>")
            .Append("<style>html,body{margin:0;padding:0;overflow:hidden;background:transparent}</style></head><body>")
            .Append(markup)
            .Append("<script type=\"application/json\" id=\"suara-slot\">").Append(data.ToJsonString()).Append("</script>")
            .Append("<script>").Append(FrameScript).Append("</script>")
            .Append("</body></html>")
            .ToString();
    }

    private static string Pixel(string impression) =>
        "<img src=\"" + System.Net.WebUtility.HtmlEncode(impression) + "\" width=\"1\" height=\"1\" alt=\"\" style=\"position:absolute;left:-10px;top:-10px;border:0\">";

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
            // The engine names the slot that could not be decided by its id ("slot" here): a size or the placement.
            var name = field == "slot" ? (messages.Any(m => m.Contains(" takes ", StringComparison.Ordinal)) ? "sizes" : "placement") : field;
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
