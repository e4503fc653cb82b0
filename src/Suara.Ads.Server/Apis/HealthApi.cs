using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Contracts;
using Suara.Ads.Server.Redis;

namespace Suara.Ads.Server.Apis;

/// <summary><c>/healthz</c> (alive) and <c>/readyz</c> (catalog loaded).</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthResponse { Status = "ok" })).WithTags("Operations");
        app.MapGet("/readyz", (CatalogSnapshotHolder catalog, CatalogSync sync, RedisConnection redis, EventAggregate counts) =>
        {
            var snapshot = catalog.Current;
            var body = new HealthResponse
            {
                Status = catalog.IsLoaded ? "ready" : "not-ready",
                CatalogVersion = snapshot.Version,
                Campaigns = snapshot.CampaignCount,
                Redis = redis.IsConnected ? "connected" : "unreachable",
                PendingEvents = counts.Pending,
                MaxPendingEvents = counts.Capacity,
                DroppedEvents = counts.Dropped,
                CatalogError = sync.LastError,
            };
            return catalog.IsLoaded
                ? Results.Ok(body)
                : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        }).WithTags("Operations").Produces<HealthResponse>().Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
