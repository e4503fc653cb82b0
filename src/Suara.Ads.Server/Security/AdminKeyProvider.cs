using Microsoft.Extensions.Options;
using Suara.Ads.Server.Options;
using Suara.Ads.Server.Redis;
using StackExchange.Redis;

namespace Suara.Ads.Server.Security;

/// <summary>
/// The admin key: <c>Ads:AdminKey</c>, or a key generated at start and logged once.
/// </summary>
internal sealed partial class AdminKeyProvider
{
    private readonly string _key;

    public AdminKeyProvider(IOptions<AdsOptions> options, RedisConnection redis, RedisKeys keys, ILogger<AdminKeyProvider> logger)
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
                var created = db.StringSet(keys.AdminKey, generated, when: When.NotExists);
                _key = (string?)db.StringGet(keys.AdminKey) ?? generated;
                if (created)
                {
                    LogGenerated(logger, _key);
                }
                else
                {
                    LogShared(logger);
                }

                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogRedisFailed(logger, ex.Message);
            }
        }

        _key = generated;
        LogGeneratedLocal(logger, _key);
    }

    /// <summary>The fingerprint of the admin key, for the audit trail.</summary>
    public string Fingerprint => Catalog.CatalogService.Fingerprint(_key);

    /// <summary>Whether the request carries the admin key as a bearer token.</summary>
    public bool IsAdmin(HttpContext context) =>
        SecretComparer.Equal(SecretComparer.BearerToken(context.Request.Headers.Authorization), _key);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "No Ads:AdminKey is configured; generated an admin key, kept in Redis and shared by every instance: {AdminKey}")]
    private static partial void LogGenerated(ILogger logger, string adminKey);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "No Ads:AdminKey is configured; using the admin key kept in Redis (logged when it was generated)")]
    private static partial void LogShared(ILogger logger);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "No Ads:AdminKey is configured and Redis is unreachable; admin key for this process only: {AdminKey}")]
    private static partial void LogGeneratedLocal(ILogger logger, string adminKey);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Could not read the shared admin key from Redis: {Error}")]
    private static partial void LogRedisFailed(ILogger logger, string error);
}
