using Microsoft.Extensions.DependencyInjection.Extensions;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Traffic;

namespace Suara.Ads.Server.Forecasts;

/// <summary>The forecasts flow: the traffic sample (recorder, background writer, store) and the forecast endpoint.</summary>
internal static class ForecastsServiceCollectionExtensions
{
    public static IServiceCollection AddAdsForecasts(this IServiceCollection services)
    {
        services.TryAddSingleton<ForecastKeys>();
        services.TryAddSingleton<TrafficSampleRecorder>();
        services.TryAddSingleton<ITrafficRecorder>(sp => sp.GetRequiredService<TrafficSampleRecorder>());
        services.TryAddSingleton<TrafficSampleWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<TrafficSampleWriter>());
        services.TryAddSingleton<TrafficSampleStore>();
        services.TryAddSingleton<ForecastService>();
        services.AddJsonContext(ForecastsJsonContext.Default);
        return services;
    }
}
