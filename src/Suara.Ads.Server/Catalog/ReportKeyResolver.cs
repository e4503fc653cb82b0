using StackExchange.Redis;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// Resolves advertisers' report keys (role <see cref="Roles.Advertiser"/>). The stored hashes are read from Redis
/// once per catalog version: a new or rotated key bumps the version, which this instance publishes at once and every
/// other instance within a second. Every stored hash is compared, in constant time, whichever matches.
/// </summary>
internal sealed class ReportKeyResolver : IApiKeyResolver
{
    private readonly RedisCatalogStore _store;
    private readonly CatalogSnapshotHolder _catalog;
    private volatile KeyTable? _table;

    public ReportKeyResolver(RedisCatalogStore store, CatalogSnapshotHolder catalog)
    {
        _store = store;
        _catalog = catalog;
    }

    /// <inheritdoc/>
    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string key, CancellationToken cancellationToken)
    {
        if (!_store.IsAvailable)
        {
            return null;
        }

        var version = _catalog.Current.Version;
        var table = _table;
        if (table is null || table.Version != version)
        {
            try
            {
                table = new KeyTable(version, await _store.GetReportKeyHashesAsync().ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return null;
            }

            _table = table;
        }

        var hash = SecretComparer.Hash(key);
        string? advertiser = null;
        foreach (var (advertiserId, keyHash) in table.Keys)
        {
            if (SecretComparer.HashEqual(hash, keyHash))
            {
                advertiser = advertiserId;
            }
        }

        return advertiser is null ? null : new ApiKeyIdentity($"report key of {advertiser}", Roles.Advertiser, advertiser);
    }

    private sealed record KeyTable(long Version, IReadOnlyList<(string AdvertiserId, string KeyHash)> Keys);
}
