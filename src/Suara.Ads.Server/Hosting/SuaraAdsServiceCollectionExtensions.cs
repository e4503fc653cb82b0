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
            .AddAdsForecasts()
            .WithoutDataProtectionAtStart();

    /// <summary>
    /// Removes Data Protection's start-up service, which <c>AddAuthentication</c> brings along: it reads (on a new machine,
    /// creates and stores unencrypted, with a warning) a key ring at every start, about 0.1 s before the catalog's load
    /// can begin, for nothing: keys here are API keys, and no cookie or antiforgery token is ever protected. Data
    /// Protection itself stays registered and would read its keys on first use. Last, so that no later registration
    /// adds the service back.
    /// </summary>
    internal static IServiceCollection WithoutDataProtectionAtStart(this IServiceCollection services)
    {
        foreach (var descriptor in services.Where(IsDataProtectionAtStart).ToArray())
        {
            services.Remove(descriptor);
        }

        return services;
    }

    internal static bool IsDataProtectionAtStart(ServiceDescriptor descriptor) =>
        descriptor.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService)
        && descriptor.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService";

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
