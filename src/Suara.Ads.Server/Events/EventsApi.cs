using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Events;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Events;

/// <summary>
/// <c>GET|POST /v1/events/{token}</c>: impression and viewable beacons (204) and clicks (302 to the creative's own
/// landing page). Each token counts once, however often it arrives and on whichever instance.
/// </summary>
internal static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/v1/events/{token}", ["GET", "POST"], Handle)
            .WithName("Event")
            .WithTags("Events")
            .Produces(StatusCodes.Status204NoContent)
            .Produces(StatusCodes.Status302Found)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status410Gone);
        return app;
    }

    private static IResult Handle(string token, HttpContext http, SigningKeyProvider signing, EventAggregate aggregate, CatalogSnapshotHolder catalog, TimeProvider time, AdsMetrics metrics)
    {
        http.Response.Headers.CacheControl = "no-store";
        var now = time.GetUtcNow();
        switch (signing.Codec.Verify(token, now, out var claims))
        {
            case EventTokenStatus.Invalid:
                metrics.Event("unknown", "invalid");
                return Problems.InvalidToken("The event token is not valid: it was altered, forged or truncated. Nothing was counted.");
            case EventTokenStatus.Expired:
                metrics.Event(TypeName(claims!.Type), "expired");
                return Problems.ExpiredToken($"The event token was issued at {claims!.IssuedAt:O} and expired after {EventTokenCodec.Lifetime.TotalHours:0} hours. Nothing was counted.");
        }

        var kind = claims!.Type switch
        {
            EventType.Impression => CounterKind.Impression,
            EventType.Viewable => CounterKind.Viewable,
            _ => CounterKind.Click,
        };
        var key = new CounterKey(claims.Campaign, claims.Creative, claims.Placement, now.ToUnixTimeSeconds() / 3600, kind);
        var accepted = aggregate.AddEvent(key, claims.TokenId, claims.IssuedAt.ToUnixTimeSeconds() / 3600);
        metrics.Event(TypeName(claims.Type), accepted ? "accepted" : aggregate.Pending >= aggregate.Capacity ? "dropped" : "duplicate");

        if (kind != CounterKind.Click)
        {
            return TypedResults.NoContent();
        }

        // The target is always the creative's own landing page from the catalog, never anything from the request.
        var snapshot = catalog.Current;
        if (snapshot.CampaignsById.TryGetValue(claims.Campaign, out var campaign)
            && Array.Find(campaign.Creatives, c => c.Id == claims.Creative) is { } creative)
        {
            return TypedResults.Redirect(creative.Source.ClickUrl);
        }

        return Problems.CreativeGone("The click was counted, but the creative is no longer in the catalog, so there is no landing page to go to.");
    }

    private static string TypeName(EventType type) => type switch
    {
        EventType.Impression => "impression",
        EventType.Viewable => "viewable",
        _ => "click",
    };
}
