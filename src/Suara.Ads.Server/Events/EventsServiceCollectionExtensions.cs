using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Counting;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Events;

/// <summary>The counting flow: beacons into the in-process aggregate, flushed to Redis in the background.</summary>
internal static class EventsServiceCollectionExtensions
{
    public static IServiceCollection AddAdsEvents(this IServiceCollection services)
    {
        services.AddOptions<RetentionOptions>()
            .BindConfiguration(RetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<CounterKeys>();
        services.TryAddSingleton<RedisCounterStore>();
        services.TryAddSingleton<ReachBuffer>();
        services.TryAddSingleton<GroupCounterStore>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AdsOptions>>().Value;
            return new EventAggregate(options.MaxPendingEvents, sp.GetRequiredService<TimeProvider>(), options.CountingGroups);
        });
        services.TryAddSingleton<CountingFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<CountingFlusher>());
        services.TryAddSingleton<CounterCompactor>();
        services.AddHostedService(sp => sp.GetRequiredService<CounterCompactor>());
        services.AddHealthChecks().AddCheck<CountingHealthCheck>("counting", tags: [HealthApi.ReadyTag]);
        return services;
    }
}
