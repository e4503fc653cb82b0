using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// Reports whether Redis is reachable. An instance without Redis still serves decisions from the catalog in force
/// and keeps counts in memory, so this degrades readiness without failing it.
/// </summary>
internal sealed class RedisHealthCheck : IHealthCheck
{
    private readonly RedisConnection _redis;

    public RedisHealthCheck(RedisConnection redis) => _redis = redis;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connected = _redis.IsConnected;
        var data = new Dictionary<string, object> { ["redis"] = connected ? "connected" : "unreachable" };
        return Task.FromResult(connected
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Degraded("Redis is unreachable.", data: data));
    }
}
