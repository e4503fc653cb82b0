using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Core.Events;
using Suara.Ads.Server.Options;
using Suara.Ads.Server.Redis;

namespace Suara.Ads.Server.Security;

/// <summary>
/// The event-token codec. Its key is <c>Ads:SigningKey</c>; when none is configured, the first instance generates one
/// and keeps it in Redis (set only if absent), and every instance uses that one. If Redis cannot be reached at
/// start, a process-local key is used and a warning logged: tokens then verify only on this instance.
/// </summary>
internal sealed partial class SigningKeyProvider
{
    public SigningKeyProvider(IOptions<AdsOptions> options, RedisConnection redis, RedisKeys keys, ILogger<SigningKeyProvider> logger)
    {
        if (options.Value.SigningKey is { Length: > 0 } configured)
        {
            Codec = new EventTokenCodec(configured);
            return;
        }

        string? shared = null;
        if (redis.IsConnected)
        {
            try
            {
                var db = redis.Database;
                db.StringSet(keys.SigningKey, SecretComparer.NewKey(), when: When.NotExists);
                shared = db.StringGet(keys.SigningKey);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogRedisFailed(logger, ex.Message);
            }
        }

        if (shared is null || shared.Length < EventTokenCodec.MinKeyLength)
        {
            LogLocalKey(logger);
            shared = SecretComparer.NewKey();
        }

        Codec = new EventTokenCodec(shared);
    }

    public EventTokenCodec Codec { get; }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Could not read the shared signing key from Redis: {Error}")]
    private static partial void LogRedisFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "No Ads:SigningKey and no Redis at start: using a key for this process only; event URLs it issues verify only here")]
    private static partial void LogLocalKey(ILogger logger);
}
