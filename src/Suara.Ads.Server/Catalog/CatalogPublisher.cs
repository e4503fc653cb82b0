using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Server.Catalog;

/// <summary>Puts a built catalog into force: every <see cref="ICatalogWarmup"/> first, then the one reference swap.</summary>
internal sealed class CatalogPublisher
{
    private readonly CatalogSnapshotHolder _holder;
    private readonly ICatalogWarmup[] _warmups;

    public CatalogPublisher(CatalogSnapshotHolder holder, IEnumerable<ICatalogWarmup> warmups)
    {
        _holder = holder;
        _warmups = [.. warmups];
    }

    /// <summary>Publishes <paramref name="snapshot"/> unless a newer version is in force; returns whether it was published.</summary>
    public async Task<bool> PublishAsync(CatalogSnapshot snapshot)
    {
        if (_holder.IsLoaded && snapshot.Version <= _holder.Current.Version)
        {
            return false;
        }

        foreach (var warmup in _warmups)
        {
            await warmup.PrepareAsync(snapshot).ConfigureAwait(false);
        }

        return _holder.PublishIfNewer(snapshot);
    }
}
