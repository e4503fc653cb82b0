using Microsoft.Extensions.Diagnostics.HealthChecks;
using Suara.Ads.Core.Counting;

namespace Suara.Ads.Server.Events;

/// <summary>Reports counted events not yet in Redis; degraded (still ready) once new events are being refused.</summary>
internal sealed class CountingHealthCheck : IHealthCheck
{
    private readonly EventAggregate _counts;

    public CountingHealthCheck(EventAggregate counts) => _counts = counts;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["pendingEvents"] = _counts.Pending,
            ["maxPendingEvents"] = _counts.Capacity,
            ["droppedEvents"] = _counts.Dropped,
        };
        return Task.FromResult(_counts.Pending >= _counts.Capacity
            ? HealthCheckResult.Degraded("The pending-event bound is reached; new events are refused.", data: data)
            : HealthCheckResult.Healthy(data: data));
    }
}
