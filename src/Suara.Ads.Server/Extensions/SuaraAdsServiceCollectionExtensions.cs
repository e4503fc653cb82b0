using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Apis;
using Suara.Ads.Server.Contracts;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Options;
using Suara.Ads.Server.Security;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Suara Ads server.</summary>
public static class SuaraAdsServiceCollectionExtensions
{
    /// <summary>Adds options, the engine, the catalog and the HTTP plumbing of the ad server.</summary>
    public static IServiceCollection AddSuaraAds(this IServiceCollection services)
    {
        services.AddOptions<AdsOptions>()
            .BindConfiguration(AdsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdsOptions>, AdsOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRandomSource>(SharedRandomSource.Instance);
        services.TryAddSingleton<CatalogSnapshotHolder>();
        services.TryAddSingleton<IDeliveryLedger, InMemoryDeliveryLedger>();
        services.TryAddSingleton<IFrequencyStore, InMemoryFrequencyStore>();
        services.TryAddSingleton<DecisionEngine>();
        services.TryAddSingleton<DecisionService>();
        services.TryAddSingleton<AdminKeyProvider>();
        services.TryAddSingleton<SigningKeyProvider>();
        services.AddHostedService<CatalogSeedLoader>();

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, AdsJsonContext.Default);
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddProblemDetails();
        services.AddCors(o => o.AddPolicy(CorsPolicies.PublicEndpoints, p => p.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "POST")));
        return services;
    }

    /// <summary>Adds the middleware and maps every endpoint.</summary>
    public static WebApplication UseSuaraAds(this WebApplication app)
    {
        // Resolve the admin key now, so a generated one is logged at start rather than at first use.
        app.Services.GetRequiredService<AdminKeyProvider>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A malformed request that Kestrel or routing rejects is the client's fault: keep its 4xx.
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseCors();
        app.MapDecisionsApi();
        app.MapHealthApi();
        app.MapSnippetApi();
        return app;
    }
}
