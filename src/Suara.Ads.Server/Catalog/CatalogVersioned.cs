using StackExchange.Redis;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// Something read from Redis once per catalog version (the stored keys): every change to it moves the version, which
/// the instance that made it publishes at once and every other instance hears within a second. <c>null</c> while Redis
/// cannot be read.
/// </summary>
internal sealed class CatalogVersioned<T>
    where T : class
{
    private readonly CatalogSnapshotHolder _catalog;
    private readonly Func<Task<T>> _load;
    private volatile Entry? _entry;

    public CatalogVersioned(CatalogSnapshotHolder catalog, Func<Task<T>> load)
    {
        _catalog = catalog;
        _load = load;
    }

    public async ValueTask<T?> GetAsync()
    {
        var version = _catalog.Current.Version;
        var entry = _entry;
        if (entry is null || entry.Version != version)
        {
            try
            {
                entry = new Entry(version, await _load().ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return null;
            }

            _entry = entry;
        }

        return entry.Value;
    }

    private sealed record Entry(long Version, T Value);
}
