using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Apis;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Contracts;
using Suara.Ads.Server.Counting;
using Suara.Ads.Server.Options;
using Suara.Ads.Server.Redis;
using Suara.Ads.Server.Security;
using Suara.Ads.Server.Telemetry;
using OpenTelemetry.Metrics;

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
        services.AddOptions<RedisOptions>()
            .BindConfiguration(RedisOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRandomSource>(SharedRandomSource.Instance);
        services.TryAddSingleton<CatalogSnapshotHolder>();
        services.AddMemoryCache(o => o.SizeLimit = 200_000);
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<RedisKeys>();
        services.TryAddSingleton<RedisCounterStore>();
        services.TryAddSingleton(sp => new EventAggregate(sp.GetRequiredService<IOptions<AdsOptions>>().Value.MaxPendingEvents));
        services.TryAddSingleton<FrequencyWriteQueue>();
        services.TryAddSingleton<RedisDeliveryLedger>();
        services.TryAddSingleton<IDeliveryLedger>(sp => sp.GetRequiredService<RedisDeliveryLedger>());
        services.TryAddSingleton<IFrequencyStore, RedisFrequencyStore>();
        services.TryAddSingleton<CountingFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<CountingFlusher>());
        services.AddHostedService<DeliveryRefresher>();

        services.TryAddSingleton<AdsMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AdsMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
            .AddPrometheusExporter());
        services.TryAddSingleton<DecisionEngine>();
        services.TryAddSingleton<DecisionService>();
        services.TryAddSingleton<Suara.Ads.Server.Decisions.DecisionPipeline>();
        services.TryAddSingleton<AdminKeyProvider>();
        services.TryAddSingleton<SigningKeyProvider>();
        services.TryAddSingleton<RedisCatalogStore>();
        services.TryAddSingleton<CatalogService>();
        services.TryAddSingleton<Suara.Ads.Server.Reports.ReportService>();
        services.TryAddSingleton<CatalogSync>();
        services.AddHostedService(sp => sp.GetRequiredService<CatalogSync>());

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, AdsJsonContext.Default);
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Every problem carries a detail, also those the framework writes (404, 405, 415, 500).
            var problem = context.ProblemDetails;
            problem.Detail ??= problem.Status switch
            {
                StatusCodes.Status404NotFound => $"Nothing is served at {context.HttpContext.Request.Path}.",
                StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}.",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON (Content-Type: application/json).",
                >= 500 => "The server failed to handle the request; it has been logged.",
                _ => problem.Title,
            };
        });
        services.AddOpenApi();
        services.AddCors(o => o.AddPolicy(CorsPolicies.PublicEndpoints, p => p.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "POST")));
        return services;
    }

    /// <summary>Adds the middleware and maps every endpoint.</summary>
    public static WebApplication UseSuaraAds(this WebApplication app)
    {
        // Resolve the admin key now, so a generated one is logged at start rather than at first use.
        app.Services.GetRequiredService<AdminKeyProvider>();
        app.Services.GetRequiredService<SigningKeyProvider>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A malformed request that Kestrel or routing rejects is the client's fault: keep its 4xx.
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.UseStaticFiles();
        app.UseCors();
        app.MapDecisionsApi();
        app.MapEventsApi();
        app.MapAdminApi();
        app.MapReportsApi();
        app.MapHealthApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapSnippetApi();
        app.MapOpenApi(); // /openapi/v1.json
        return app;
    }
}
