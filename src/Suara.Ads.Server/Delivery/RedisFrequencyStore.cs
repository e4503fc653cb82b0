using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// Frequency-cap state in Redis, one hash per viewer with expiry, read once per decision and cached briefly in
/// memory (this instance's own increments update the cached copy at once). While Redis is away, decisions use what
/// is cached, or no history.
/// </summary>
internal sealed class RedisFrequencyStore : IFrequencyStore
{
    /// <summary>How long a viewer's state is reused before it is read again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan s_readTimeout = TimeSpan.FromMilliseconds(250);

    private static readonly MemoryCacheEntryOptions s_entry = new() { AbsoluteExpirationRelativeToNow = CacheFor, Size = 1 };

    private readonly RedisConnection _redis;
    private readonly DeliveryKeys _keys;
    private readonly IMemoryCache _cache;
    private readonly FrequencyWriteQueue _writes;

    public RedisFrequencyStore(RedisConnection redis, DeliveryKeys keys, IMemoryCache cache, FrequencyWriteQueue writes)
    {
        _redis = redis;
        _keys = keys;
        _cache = cache;
        _writes = writes;
    }

    public async ValueTask<ViewerHistory> GetAsync(string viewerId, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(CacheKey(viewerId), out Dictionary<FrequencyKey, int>? cached) && cached is not null)
        {
            return new ViewerHistory(cached);
        }

        if (!_redis.IsConnected)
        {
            return ViewerHistory.Empty;
        }

        try
        {
            var entries = await _redis.Database.HashGetAllAsync(_keys.Viewer(viewerId)).WaitAsync(s_readTimeout, cancellationToken).ConfigureAwait(false);
            var counts = new Dictionary<FrequencyKey, int>(entries.Length);
            foreach (var entry in entries)
            {
                if (FrequencyStoreFields.TryParse(entry.Name.ToString(), out var key) && entry.Value.TryParse(out int n))
                {
                    counts[key] = n;
                }
            }

            _cache.Set(CacheKey(viewerId), counts, s_entry);
            return new ViewerHistory(counts);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return ViewerHistory.Empty;
        }
    }

    public void RecordServed(string viewerId, FrequencyKey key, TimeSpan retention)
    {
        if (_cache.TryGetValue(CacheKey(viewerId), out Dictionary<FrequencyKey, int>? cached) && cached is not null)
        {
            // Copy on write: readers may hold the old dictionary.
            var updated = new Dictionary<FrequencyKey, int>(cached) { [key] = cached.GetValueOrDefault(key) + 1 };
            _cache.Set(CacheKey(viewerId), updated, s_entry);
        }

        _writes.Enqueue(viewerId, key, retention);
    }

    private static string CacheKey(string viewerId) => "freq:" + viewerId;
}
