using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Events;
using Suara.Ads.Core.Selection;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Decisions;

/// <summary>The decision flow: the engine, the pipeline every way of asking for ads shares, and the slot renderer.</summary>
internal static class DecisionsServiceCollectionExtensions
{
    public static IServiceCollection AddAdsDecisions(this IServiceCollection services)
    {
        services.TryAddSingleton<IRandomSource>(SharedRandomSource.Instance);
        services.TryAddSingleton<DecisionEngine>();
        services.TryAddSingleton(sp => sp.GetRequiredService<SigningKeyProvider>().Viewers);
        services.TryAddSingleton<DecisionService>();
        services.TryAddSingleton<DecisionPipeline>();
        services.TryAddSingleton(sp => new AdSequencer(perGroup: sp.GetRequiredService<IOptions<AdsOptions>>().Value.CountingGroups)); // one issuer id per process run
        services.TryAddSingleton<SlotRenderer>();
        services.AddJsonContext(DecisionsJsonContext.Default);
        return services;
    }
}
