using Microsoft.Extensions.DependencyInjection.Extensions;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>The delivery state decisions read: goal and pacing totals shared through Redis, and frequency caps.</summary>
internal static class DeliveryServiceCollectionExtensions
{
    public static IServiceCollection AddAdsDelivery(this IServiceCollection services)
    {
        services.TryAddSingleton<DeliveryKeys>();
        services.TryAddSingleton<FrequencyWriteQueue>();
        services.TryAddSingleton<RedisDeliveryLedger>();
        services.TryAddSingleton<IDeliveryLedger>(sp => sp.GetRequiredService<RedisDeliveryLedger>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICatalogWarmup, RedisDeliveryLedger>(sp => sp.GetRequiredService<RedisDeliveryLedger>()));
        services.TryAddSingleton<RedisFrequencyStore>();
        services.TryAddSingleton<IFrequencyStore>(sp => sp.GetRequiredService<RedisFrequencyStore>());
        services.AddHostedService<DeliveryRefresher>();
        services.AddHealthChecks().AddCheck<DeliveryHealthCheck>("delivery", tags: [HealthApi.ReadyTag]);
        return services;
    }
}
