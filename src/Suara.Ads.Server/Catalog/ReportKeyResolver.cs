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
    private readonly CatalogVersioned<IReadOnlyList<(string AdvertiserId, string KeyHash)>> _keys;

    public ReportKeyResolver(RedisCatalogStore store, CatalogSnapshotHolder catalog)
    {
        _store = store;
        _keys = new(catalog, store.GetReportKeyHashesAsync);
    }

    /// <inheritdoc/>
    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string key, CancellationToken cancellationToken)
    {
        if (!_store.IsAvailable)
        {
            return null;
        }

        if (await _keys.GetAsync().ConfigureAwait(false) is not { } keys)
        {
            return null;
        }

        var hash = SecretComparer.Hash(key);
        string? advertiser = null;
        foreach (var (advertiserId, keyHash) in keys)
        {
            if (SecretComparer.HashEqual(hash, keyHash))
            {
                advertiser = advertiserId;
            }
        }

        return advertiser is null ? null : new ApiKeyIdentity($"report key of {advertiser}", Roles.Advertiser, advertiser);
    }
}
