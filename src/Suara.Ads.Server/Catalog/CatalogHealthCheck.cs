using Microsoft.Extensions.Diagnostics.HealthChecks;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Server.Catalog;

/// <summary>Ready once a catalog is in force; says which version, and why a newer one could not be built.</summary>
internal sealed class CatalogHealthCheck : IHealthCheck
{
    private readonly CatalogSnapshotHolder _catalog;
    private readonly CatalogSync _sync;

    public CatalogHealthCheck(CatalogSnapshotHolder catalog, CatalogSync sync)
    {
        _catalog = catalog;
        _sync = sync;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var snapshot = _catalog.Current;
        var data = new Dictionary<string, object> { ["catalogVersion"] = snapshot.Version, ["campaigns"] = snapshot.CampaignCount };
        if (_sync.LastError is { } error)
        {
            data["catalogError"] = error;
        }

        return Task.FromResult(_catalog.IsLoaded
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Unhealthy("No catalog is loaded yet.", data: data));
    }
}
