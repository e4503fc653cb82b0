using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// The bootstrap admin key (role <see cref="Roles.Admin"/>): <c>Ads:AdminKey</c>, or a key generated at start, kept in
/// Redis for every instance and logged once.
/// </summary>
internal sealed class AdminKeyProvider : IApiKeyResolver
{
    private static readonly ApiKeyIdentity? s_admin = new("admin key", Roles.Admin);

    private readonly string _key;

    public AdminKeyProvider(IOptions<AdsOptions> options, RedisConnection redis, ILogger<AdminKeyProvider> logger)
    {
        if (options.Value.AdminKey is { Length: > 0 } configured)
        {
            _key = configured;
            return;
        }

        // Generated once and shared through Redis: only the instance that creates it logs it.
        var generated = SecretComparer.NewKey();
        if (redis.IsConnected)
        {
            try
            {
                var db = redis.Database;
                var created = db.StringSet(redis.Key("admin-key"), generated, when: When.NotExists);
                _key = (string?)db.StringGet(redis.Key("admin-key")) ?? generated;
                if (created)
                {
                    logger.AdminKeyGenerated(_key);
                }
                else
                {
                    logger.AdminKeyShared();
                }

                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.AdminKeyReadFailed(ex.Message);
            }
        }

        _key = generated;
        logger.AdminKeyLocal(_key);
    }

    /// <inheritdoc/>
    public ValueTask<ApiKeyIdentity?> ResolveAsync(string key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SecretComparer.Equal(key, _key) ? s_admin : null);
}
