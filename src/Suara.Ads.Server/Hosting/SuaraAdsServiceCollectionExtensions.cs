using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Decisions;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Forecasts;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Reports;
using Suara.Ads.Server.Traffic;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The composition root: every flow registers its own services and maps its own endpoints; this only puts them
/// together, in an order that matters for hosted services (they start in this order and stop in reverse: counts are
/// drained last).
/// </summary>
public static class SuaraAdsServiceCollectionExtensions
{
    /// <summary>Adds the ad server: hosting (options, Redis, auth, telemetry, health) and every flow.</summary>
    public static IServiceCollection AddSuaraAds(this IServiceCollection services) =>
        services
            .AddAdsHosting()
            .AddAdsTraffic()
            .AddAdsEvents()
            .AddAdsDelivery()
            .AddAdsCatalog()
            .AddAdsDecisions()
            .AddAdsReports()
            .AddAdsForecasts();

    /// <summary>Adds the middleware and maps every endpoint.</summary>
    public static WebApplication UseSuaraAds(this WebApplication app)
    {
        app.UseAdsHosting();
        app.UseRateLimiter();

        // Called by publisher pages without a key: CORS (the sites' domains) is set once, here; rate limits per endpoint.
        var pages = app.MapGroup("").RequireCors(CorsPolicies.PublicEndpoints);
        pages.MapDecisionsApi();
        pages.MapSlotHtmlApi();
        pages.MapEventsApi();
        pages.MapAdsScriptApi();

        app.MapAdminApi();
        app.MapAssetsApi();
        app.MapCreativePreviewApi();
        app.MapWhoAmIApi();
        app.MapReportsApi();
        app.MapForecastsApi();
        app.MapDeliveryApi();
        app.MapOperations();
        return app;
    }
}
