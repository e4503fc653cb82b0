using Microsoft.Extensions.DependencyInjection.Extensions;
using Suara.Ads.Core.Delivery;

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
        services.TryAddSingleton<IFrequencyStore, RedisFrequencyStore>();
        services.AddHostedService<DeliveryRefresher>();
        return services;
    }
}
