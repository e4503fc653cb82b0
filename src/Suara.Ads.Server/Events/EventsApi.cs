using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Events;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Traffic;

namespace Suara.Ads.Server.Events;

/// <summary>
/// <c>GET|POST /v1/events/{token}</c>: impression and viewable beacons (204) and clicks (302 to the creative's own
/// landing page). Each token counts once, however often it arrives and on whichever instance; invalid traffic is
/// answered the same but counted only as invalid, by reason.
/// </summary>
internal static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/v1/events/{token}", ["GET", "POST"], Handle)
            .WithName("Event")
            .WithTags("Events")
            .RequireRateLimiting(RateLimits.Events)
            .Produces(StatusCodes.Status204NoContent)
            .Produces(StatusCodes.Status302Found)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status410Gone)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static IResult Handle(string token, HttpContext http, SigningKeyProvider signing, EventAggregate aggregate, CatalogSnapshotHolder catalog, TrafficFilter traffic, TimeProvider time, AdsMetrics metrics, ITrafficRecorder recorder)
    {
        http.Response.Headers.CacheControl = "no-store";
        var now = time.GetUtcNow();
        switch (signing.Codec.Verify(token, now, out var claims))
        {
            case EventTokenStatus.Invalid:
                metrics.Event("unknown", "forged");
                return Problems.InvalidToken("The event token is not valid: it was altered, forged or truncated. Nothing was counted.");
            case EventTokenStatus.Expired:
                metrics.Event(TypeName(claims!.Type), "expired");
                return Problems.ExpiredToken($"The event token was issued at {claims!.IssuedAt:O} and expired after {EventTokenCodec.Lifetime.TotalHours:0} hours. Nothing was counted.");
            case EventTokenStatus.FromFuture:
                metrics.Event(TypeName(claims!.Type), "future");
                return Problems.FutureToken($"The event token says it was issued at {claims!.IssuedAt:O}, later than now ({now:O}) by more than the allowed clock skew of {EventTokenCodec.ClockSkew.TotalSeconds:0} s. Nothing was counted.");
        }

        var kind = claims!.Type switch
        {
            EventType.Impression => CounterKind.Impression,
            EventType.Viewable => CounterKind.Viewable,
            _ => CounterKind.Click,
        };
        var hour = now.ToUnixTimeSeconds() / 3600;
        var key = new CounterKey(claims.Campaign, claims.Creative, claims.Placement, hour, kind);
        // A beacon with Sec-GPC: 1 counts, but for no viewer: no reach, no cap, no per-viewer flood window.
        var viewer = claims.Viewer.Length > 0 && !PrivacySignals.OptsOut(http.Request) ? claims.Viewer : null;
        var snapshot = catalog.Current;
        var invalid = traffic.ForEvent(http, viewer);
        if (invalid != InvalidReason.None)
        {
            aggregate.AddCount(key with { Kind = CounterKind.Invalid, Reason = invalid });
            metrics.Event(TypeName(claims.Type), "filtered");
            metrics.Invalid(TypeName(claims.Type), invalid);
        }
        else
        {
            var counted = Describe(claims, key, viewer, snapshot, now);
            var accepted = aggregate.AddEvent(counted);
            if (accepted && kind == CounterKind.Impression)
            {
                // The traffic sample's share of fills that became impressions.
                recorder.Impression(claims.Site, counted.SiteDay);
            }

            metrics.Event(TypeName(claims.Type), accepted ? "accepted" : aggregate.Pending >= aggregate.Capacity ? "dropped" : "duplicate");
        }

        if (kind != CounterKind.Click)
        {
            return TypedResults.NoContent();
        }

        // The target is always the creative's own landing page from the catalog, never anything from the request; a
        // click that does not count still gets there.
        if (snapshot.CampaignsById.TryGetValue(claims.Campaign, out var campaign)
            && Array.Find(campaign.Creatives, c => c.Id == claims.Creative) is { } creative)
        {
            return TypedResults.Redirect(creative.Source.ClickUrl);
        }

        return Problems.CreativeGone("The click was counted, but the creative is no longer in the catalog, so there is no landing page to go to.");
    }

    /// <summary>The beacon with what counting it updates: its ad; for an impression or click the day; for an impression the hold, the reach and the viewer's cap.</summary>
    private static TokenEvent Describe(EventClaims claims, CounterKey key, string? viewer, CatalogSnapshot snapshot, DateTimeOffset now)
    {
        var e = new TokenEvent(key, claims.TokenId, claims.IssuedAt.ToUnixTimeSeconds() / 3600) 
        {
            AdId = RedisCounterStore.AdId(claims),
            DecisionId = claims.DecisionId,
            Issuer = claims.Issuer,
            Sequence = claims.Sequence,
            SequencePerGroup = claims.SequencePerGroup,
        };
        if (key.Kind == CounterKind.Viewable)
        {
            return e;
        }

        // Impressions and clicks count towards goals per site-local day.
        var zone = snapshot.Sites.TryGetValue(claims.Site, out var site) ? site.TimeZone : TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        e = e with { SiteDay = (int)(local.Ticks / TimeSpan.TicksPerDay) };
        if (key.Kind == CounterKind.Click)
        {
            return e;
        }

        e = e with { HoldBucket = DeliveryHolds.Bucket(claims.IssuedAt), Reach = viewer };
        if (viewer is not null && snapshot.CampaignsById.TryGetValue(claims.Campaign, out var campaign) && campaign.CapImpressions > 0)
        {
            // The cap window of the decision's time, where the hold it releases was counted.
            var decidedLocal = TimeZoneInfo.ConvertTime(claims.IssuedAt, zone).DateTime;
            e = e with
            {
                Viewer = viewer,
                CapWindow = FrequencyWindows.Key(campaign.CapPeriod, decidedLocal),
                CapRetention = FrequencyWindows.Retention(campaign.CapPeriod, campaign.Source.End ?? DateTimeOffset.MaxValue, now),
            };
        }

        return e;
    }

    private static string TypeName(EventType type) => type switch
    {
        EventType.Impression => "impression",
        EventType.Viewable => "viewable",
        _ => "click",
    };
}
