using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Catalog;

/// <summary>
/// Resolves named keys (<c>POST /v1/admin/keys</c>) to their name and role. A key reads <c>sa_ID_SECRET</c>: the id
/// finds the stored hash without a search, and the presented key's SHA-256 is compared with it in constant time. A key
/// naming no known id is compared with a stand-in hash all the same, so the answer takes as long whether or not the id
/// exists. The stored keys are read once per catalog version: creating or revoking a key moves the version, which this
/// instance publishes at once and every other instance hears within a second.
/// </summary>
internal sealed class NamedKeyResolver : IApiKeyResolver
{
    private const string Prefix = "sa_";
    private const int IdLength = 12;

    // Compared against when the id is unknown: the hash of no key anyone holds.
    private static readonly string s_standIn = SecretComparer.Hash(SecretComparer.NewKey());

    private readonly RedisCatalogStore _store;
    private readonly CatalogVersioned<Dictionary<string, NamedKey>> _keys;

    public NamedKeyResolver(RedisCatalogStore store, CatalogSnapshotHolder catalog)
    {
        _store = store;
        _keys = new(catalog, async () => (await store.GetNamedKeysAsync().ConfigureAwait(false)).ToDictionary(k => k.Id, StringComparer.Ordinal));
    }

    /// <summary>The key of id <paramref name="id"/> with secret <paramref name="secret"/>.</summary>
    public static string Format(string id, string secret) => Prefix + id + "_" + secret;

    /// <inheritdoc/>
    public async ValueTask<ApiKeyIdentity?> ResolveAsync(string key, CancellationToken cancellationToken)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || !_store.IsAvailable)
        {
            return null;
        }

        if (await _keys.GetAsync().ConfigureAwait(false) is not { } keys)
        {
            return null;
        }

        var id = key.Length > Prefix.Length + IdLength && key[Prefix.Length + IdLength] == '_' ? key.Substring(Prefix.Length, IdLength) : "";
        var known = keys.GetValueOrDefault(id);
        var matches = SecretComparer.HashEqual(SecretComparer.Hash(key), known?.KeyHash ?? s_standIn);
        return matches && known is not null ? new ApiKeyIdentity(known.Name, known.Role) : null;
    }
}
