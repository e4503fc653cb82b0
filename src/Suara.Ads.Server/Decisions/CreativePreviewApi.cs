using System.Text;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Decisions;

/// <summary>
/// <c>GET /v1/admin/campaigns/{id}/creatives/{creativeId}/preview</c>: the creative as a page shows it (the same markup a
/// decision returns, html creatives in the same sandboxed iframe), as a document of its own, without counting
/// anything: no decision is made, no event URL is in it, and its link goes straight to the landing page.
/// </summary>
internal static class CreativePreviewApi
{
    public static IEndpointRouteBuilder MapCreativePreviewApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/admin/campaigns/{id}/creatives/{creativeId}/preview", (string id, string creativeId, HttpContext http, CatalogSnapshotHolder catalog, IOptions<AdsOptions> options, IHostEnvironment environment) =>
        {
            if (!catalog.Current.CampaignsById.TryGetValue(id, out var campaign))
            {
                return Problems.NotFound($"There is no campaign '{id}'.");
            }

            var creative = campaign.Source.Creatives.FirstOrDefault(c => c.Id == creativeId);
            if (creative is null || !CatalogNames.TryParseFormat(creative.Format, out var format) || !CreativeSize.TryParse(creative.Size, out var size))
            {
                return Problems.NotFound($"Campaign '{id}' has no creative '{creativeId}'.");
            }

            var baseUrl = EventUrls.BaseUrl(http, options.Value, environment);
            var markup = CreativeMarkup.Make(creative, format, size, creative.ClickUrl, baseUrl); // a creative being edited: nothing to keep
            var headers = http.Response.Headers;
            headers.CacheControl = "no-store";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            // The console may frame it; nothing else may. The creative's own markup is in a sandboxed frame or encoded.
            headers.ContentSecurityPolicy = "frame-ancestors 'self'";
            var page = new StringBuilder()
                .Append("<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>Preview (not counted)</title>")
                .Append("<style>html,body{margin:0;padding:0;background:transparent}</style></head><body>")
                .Append(markup)
                .Append("</body></html>");
            return Results.Content(page.ToString(), "text/html; charset=utf-8");
        })
            .WithName("PreviewCreative")
            .WithTags("Admin")
            .RequireAuthorization(Policies.CatalogRead)
            .WithMetadata(new KeyHint("A preview needs 'Authorization: Bearer <key>' of role admin, trafficker or reporter."))
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }
}
