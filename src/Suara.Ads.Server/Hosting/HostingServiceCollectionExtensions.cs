using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Suara.Ads.Server.Hosting;

/// <summary>What every flow stands on: options, Redis, keys and authentication, problems, telemetry, health.</summary>
internal static class HostingServiceCollectionExtensions
{
    public static IServiceCollection AddAdsHosting(this IServiceCollection services)
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
        services.AddMemoryCache(o => o.SizeLimit = 200_000);
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<SigningKeyProvider>();
        services.TryAddSingleton<AdminKeyProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IApiKeyResolver, AdminKeyProvider>(sp => sp.GetRequiredService<AdminKeyProvider>()));

        // A single scheme would otherwise become the default one (ASP.NET Core 7+), and the authentication middleware the
        // host adds would run the key handler on every request, beacons and decisions included (1.3 % of a decision's
        // CPU in a profile). Set before the scheme provider is made, for the whole process.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);

        // Keys are read only where an endpoint's policy (or explain) asks for one: no default authenticate scheme and no
        // UseAuthentication, so public pages and beacons never pay for a handler. Challenges and refusals go to it.
        services.AddAuthentication(o =>
            {
                o.DefaultChallengeScheme = ApiKeys.Scheme;
                o.DefaultForbidScheme = ApiKeys.Scheme;
            })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeys.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.AddAuthenticationSchemes(ApiKeys.Scheme).RequireRole(Roles.Admin))
            .AddPolicy(Policies.CatalogRead, p => p.AddAuthenticationSchemes(ApiKeys.Scheme).RequireRole(Roles.Admin, Roles.Trafficker, Roles.Reporter))
            .AddPolicy(Policies.CatalogWrite, p => p.AddAuthenticationSchemes(ApiKeys.Scheme).RequireRole(Roles.Admin, Roles.Trafficker))
            .AddPolicy(Policies.Explain, p => p.AddAuthenticationSchemes(ApiKeys.Scheme).RequireRole(Roles.Admin, Roles.Trafficker))
            .AddPolicy(Policies.DecisionOverrides, p => p.AddAuthenticationSchemes(ApiKeys.Scheme).RequireRole(Roles.Admin, Roles.Server))
            .AddPolicy(Policies.Reports, p => p.AddAuthenticationSchemes(ApiKeys.Scheme).RequireRole(Roles.Admin, Roles.Trafficker, Roles.Reporter, Roles.Advertiser))
            .AddPolicy(Policies.SiteReports, p => p.AddAuthenticationSchemes(ApiKeys.Scheme).RequireRole(Roles.Admin, Roles.Trafficker, Roles.Reporter));

        services.TryAddSingleton<KeyFailureGuard>();
        services.TryAddSingleton<AdsMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics
                .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Runtime")
                .AddAdsViews()
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0); // every scrape current (the default keeps one for 300 ms)

            // Ads:Metrics=false leaves the server's own meter unheard: its instruments are then disabled and cost a check
            // each (for measuring what they cost; see benchmarks/RESULTS.md).
            ((IDeferredMeterProviderBuilder)metrics).Configure((sp, builder) =>
            {
                if (sp.GetRequiredService<IOptions<AdsOptions>>().Value.Metrics)
                {
                    builder.AddMeter(AdsMetrics.MeterName);
                }
            });
        });
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthApi.ReadyTag]);

        services.AddJsonContext(HostingJsonContext.Default);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
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
        services.AddCors(); // the public endpoints' policy is the Traffic area's (site origins)
        return services;
    }

    /// <summary>Puts a flow's source-generated JSON first in the HTTP serializer's resolvers.</summary>
    public static IServiceCollection AddJsonContext(this IServiceCollection services, JsonSerializerContext context) =>
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, context));

    public static WebApplication UseAdsHosting(this WebApplication app)
    {
        // Resolve the keys now, so a generated admin key is logged at start rather than at first use.
        app.Services.GetRequiredService<AdminKeyProvider>();
        app.Services.GetRequiredService<SigningKeyProvider>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // A malformed request that Kestrel or routing rejects is the client's fault: keep its 4xx.
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();

        // A slow or broken client (a body cut short, a connection dropped mid-request) is the client's doing: one line
        // in the log and its 4xx, not a stack trace per connection from the exception handler.
        var clientLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Suara.Ads.Clients");
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex)
            {
                clientLog.BadClientRequest(context.Request.Method, context.Request.Path.ToString(), ex.StatusCode, ex.Message);
                if (!context.Response.HasStarted)
                {
                    context.Response.Clear();
                    context.Response.StatusCode = ex.StatusCode;
                }
            }
            catch (Exception ex) when (ex is ConnectionResetException
                || (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested))
            {
                // A reset (RST) mid-body surfaces as ConnectionResetException from the body read, sometimes before the
                // request's abort token is set; it is the client's leaving, not the server's fault. Aborting tells
                // Kestrel the connection is done, so it does not try to drain a body whose read failed (that logs an
                // error of its own: "Reading is already in progress", dotnet/aspnetcore#17840).
                clientLog.ClientWentAway(context.Request.Method, context.Request.Path.ToString());
                context.Abort();
            }
        });

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts(); // only on https requests, and never for localhost
        }

        app.UseSecuredStaticFiles();
        app.UseCors();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Health, metrics, the OpenAPI document and the entry of the demo site.</summary>
    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapHealthApi();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapOpenApi(); // /openapi/v1.json

        // Static files are served without default documents; the demo site's front page is its news article.
        // (Routing ignores a trailing slash, so this one route answers both /demo and /demo/.)
        if (PageSecurity.DemoEnabled(app.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<AdsOptions>>().Value))
        {
            app.MapGet("/demo", () => Results.Redirect("/demo/index.html")).ExcludeFromDescription();
        }
        return app;
    }

    /// <summary>The buckets of the server's histograms (instrument advice does not reach the exporter: views do).</summary>
    public static MeterProviderBuilder AddAdsViews(this MeterProviderBuilder metrics) => metrics
        .AddView(AdsMetrics.DecisionDuration, new ExplicitBucketHistogramConfiguration { Boundaries = [.. AdsMetrics.DecisionBuckets] })
        .AddView(AdsMetrics.RedisDuration, new ExplicitBucketHistogramConfiguration { Boundaries = [.. AdsMetrics.RedisBuckets] })
        .AddView(AdsMetrics.FlushDuration, new ExplicitBucketHistogramConfiguration { Boundaries = [.. AdsMetrics.RedisBuckets] })
        .AddView(AdsMetrics.CatalogRebuildDuration, new ExplicitBucketHistogramConfiguration { Boundaries = [.. AdsMetrics.RedisBuckets] });
}
