using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Traffic;

/// <summary>Who may ask and what counts: client addresses, rate and flood limits, invalid-traffic filtering, site origins.</summary>
internal static class TrafficServiceCollectionExtensions
{
    public static IServiceCollection AddAdsTraffic(this IServiceCollection services)
    {
        services.AddOptions<TrafficOptions>()
            .BindConfiguration(TrafficOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<FloodGuard>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IClientAddressSource, ClientAddressSource>());
        services.TryAddSingleton<TrafficFilter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>()
            .Configure<IOptions<TrafficOptions>>((o, traffic) => RateLimits.Configure(o, traffic.Value));

        // Public endpoints answer browsers only from pages of a site in the catalog (each endpoint then checks the site
        // the request names); anything else gets no CORS grant.
        services.TryAddSingleton<CorsService>();
        services.Replace(ServiceDescriptor.Transient<ICorsService, SiteCorsService>());
        services.AddOptions<CorsOptions>().Configure<CatalogSnapshotHolder>((o, catalog) =>
            o.AddPolicy(CorsPolicies.PublicEndpoints, p => p
                .SetIsOriginAllowed(origin => SiteOrigins.AnySiteAllows(catalog.Current, origin))
                .AllowAnyHeader()
                .WithMethods("GET", "POST")));
        return services;
    }
}
