using Microsoft.Extensions.DependencyInjection.Extensions;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>The catalog flow: the store in Redis, the admin API's changes, and every instance's snapshot kept in step.</summary>
internal static class CatalogServiceCollectionExtensions
{
    public static IServiceCollection AddAdsCatalog(this IServiceCollection services)
    {
        services.TryAddSingleton<CatalogSnapshotHolder>();
        services.TryAddSingleton<RedisCatalogStore>();
        services.TryAddSingleton<CatalogPublisher>();
        services.TryAddSingleton<CatalogService>();
        services.TryAddSingleton<CatalogSync>();
        services.AddHostedService(sp => sp.GetRequiredService<CatalogSync>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiKeyResolver, ReportKeyResolver>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiKeyResolver, NamedKeyResolver>());
        services.TryAddSingleton<AssetStore>();
        services.AddHealthChecks().AddCheck<CatalogHealthCheck>("catalog", tags: [HealthApi.ReadyTag]);
        services.AddJsonContext(CatalogJsonContext.Default);
        return services;
    }
}
