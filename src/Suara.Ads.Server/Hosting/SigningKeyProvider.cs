using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Events;

namespace Suara.Ads.Server.Hosting;

/// <summary>
/// The event-token codec. Its key is <c>Ads:SigningKey</c>; when none is configured, the first instance generates one
/// and keeps it in Redis (set only if absent), and every instance uses that one. If Redis cannot be reached at
/// start, a process-local key is used and a warning logged: tokens then verify only on this instance. The same secret
/// keys the <see cref="ViewerDigest"/> (with a label of its own), so every instance digests a viewer alike.
/// </summary>
internal sealed class SigningKeyProvider
{
    public SigningKeyProvider(IOptions<AdsOptions> options, RedisConnection redis, ILogger<SigningKeyProvider> logger)
    {
        if (options.Value.SigningKey is { Length: > 0 } configured)
        {
            Codec = new EventTokenCodec(configured);
            Viewers = new ViewerDigest(configured);
            return;
        }

        string? shared = null;
        if (redis.IsConnected)
        {
            try
            {
                var db = redis.Database;
                db.StringSet(redis.Key("signing-key"), SecretComparer.NewKey(), when: When.NotExists);
                shared = db.StringGet(redis.Key("signing-key"));
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.SigningKeyReadFailed(ex.Message);
            }
        }

        if (shared is null || shared.Length < EventTokenCodec.MinKeyLength)
        {
            logger.SigningKeyLocal();
            shared = SecretComparer.NewKey();
        }

        Codec = new EventTokenCodec(shared);
        Viewers = new ViewerDigest(shared);
    }

    public EventTokenCodec Codec { get; }

    /// <summary>How a viewer id is digested before frequency state, reach or an event token sees it.</summary>
    public ViewerDigest Viewers { get; }
}
