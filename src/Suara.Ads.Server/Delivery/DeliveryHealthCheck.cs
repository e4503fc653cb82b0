using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Suara.Ads.Server.Delivery;

/// <summary>Ready once the delivery totals (goals, pacing) of the catalog have been read from Redis.</summary>
internal sealed class DeliveryHealthCheck : IHealthCheck
{
    private readonly RedisDeliveryLedger _ledger;

    public DeliveryHealthCheck(RedisDeliveryLedger ledger) => _ledger = ledger;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["deliveryCatalogVersion"] = _ledger.LoadedVersion };
        return Task.FromResult(_ledger.IsLoaded
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Unhealthy("The delivery totals (goals, pacing) are not loaded yet.", data: data));
    }
}
