using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Contracts;

namespace Suara.Ads.Server.Apis;

/// <summary><c>/healthz</c> (alive) and <c>/readyz</c> (catalog loaded).</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse { Status = "ok" })).WithTags("Operations");
        app.MapGet("/readyz", (CatalogSnapshotHolder catalog) =>
        {
            var snapshot = catalog.Current;
            var body = new HealthResponse
            {
                Status = catalog.IsLoaded ? "ready" : "not-ready",
                CatalogVersion = snapshot.Version,
                Campaigns = snapshot.CampaignCount,
            };
            return catalog.IsLoaded
                ? Results.Ok(body)
                : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).WithTags("Operations");
        return app;
    }
}
