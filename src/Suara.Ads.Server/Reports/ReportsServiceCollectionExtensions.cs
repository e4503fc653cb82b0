using Microsoft.Extensions.DependencyInjection.Extensions;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Reports;

/// <summary>The reports flow: counts read from Redis by day or hour, as JSON, CSV and pages for people.</summary>
internal static class ReportsServiceCollectionExtensions
{
    public static IServiceCollection AddAdsReports(this IServiceCollection services)
    {
        services.TryAddSingleton<ReportService>();
        services.AddJsonContext(ReportsJsonContext.Default);
        return services;
    }
}
