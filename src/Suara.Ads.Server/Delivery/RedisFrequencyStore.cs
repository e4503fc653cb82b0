using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// Frequency-cap state: each viewer's counted impressions in Redis (one hash per viewer with expiry, written by the
/// counting flow only), read once per decision and cached briefly; plus the ads this instance served the viewer whose
/// impressions are not counted yet, held in memory for <see cref="DeliveryHolds.ViewerHoldTime"/>. A viewer who is
/// served and never sees an impression leaves nothing in Redis. While Redis is away, decisions use what is cached,
/// or no history.
/// </summary>
internal sealed class RedisFrequencyStore : IFrequencyStore
{
    /// <summary>How long a viewer's counted impressions are reused before they are read again.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan s_readTimeout = TimeSpan.FromMilliseconds(250);

    private static readonly MemoryCacheEntryOptions s_counts = new() { AbsoluteExpirationRelativeToNow = CacheFor, Size = 1 };
    private static readonly MemoryCacheEntryOptions s_holds = new() { SlidingExpiration = DeliveryHolds.ViewerHoldTime, Size = 1 };

    private readonly RedisConnection _redis;
    private readonly DeliveryKeys _keys;
    private readonly IMemoryCache _cache;
    private readonly TimeProvider _time;

    public RedisFrequencyStore(RedisConnection redis, DeliveryKeys keys, IMemoryCache cache, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _cache = cache;
        _time = time;
    }

    public async ValueTask<ViewerHistory> GetAsync(string viewer, CancellationToken cancellationToken)
    {
        var counts = await CountedAsync(viewer, cancellationToken).ConfigureAwait(false);
        return _cache.TryGetValue(HoldsKey(viewer), out ViewerHolds? holds) && holds is not null
            ? holds.AddTo(counts, _time.GetUtcNow())
            : new ViewerHistory(counts);
    }

    public void Hold(string viewer, FrequencyKey key, Guid decisionId, DateTimeOffset now)
    {
        if (!_cache.TryGetValue(HoldsKey(viewer), out ViewerHolds? holds) || holds is null)
        {
            holds = new ViewerHolds();
            _cache.Set(HoldsKey(viewer), holds, s_holds);
        }

        holds.Add(key, decisionId, now + DeliveryHolds.ViewerHoldTime);
    }

    /// <summary>
    /// The impression of <paramref name="decisionId"/> for <paramref name="key"/> is counted (and its increment written):
    /// release the hold and count it in the cached copy, so the viewer is not counted twice, nor for a moment not at all.
    /// </summary>
    public void Confirm(string viewer, FrequencyKey key, Guid decisionId)
    {
        if (_cache.TryGetValue(CountsKey(viewer), out CachedCounts? cached) && cached is not null)
        {
            // Copy on write: readers may hold the old dictionary.
            var updated = new Dictionary<FrequencyKey, int>(cached.Counts) { [key] = cached.Counts.GetValueOrDefault(key) + 1 };
            _cache.Set(CountsKey(viewer), cached with { Counts = updated }, s_counts);
        }

        if (_cache.TryGetValue(HoldsKey(viewer), out ViewerHolds? holds) && holds is not null)
        {
            holds.Release(key, decisionId);
        }
    }

    private async ValueTask<IReadOnlyDictionary<FrequencyKey, int>> CountedAsync(string viewer, CancellationToken cancellationToken)
    {
        // Fresh by the injected clock (the cache's own expiry only bounds memory).
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(CountsKey(viewer), out CachedCounts? cached) && cached is not null && now - cached.ReadAt < CacheFor)
        {
            return cached.Counts;
        }

        if (!_redis.IsConnected)
        {
            return ViewerHolds.None;
        }

        try
        {
            var entries = await _redis.Database.HashGetAllAsync(_keys.Viewer(viewer)).WaitAsync(s_readTimeout, cancellationToken).ConfigureAwait(false);
            var counts = new Dictionary<FrequencyKey, int>(entries.Length);
            foreach (var entry in entries)
            {
                if (FrequencyStoreFields.TryParse(entry.Name.ToString(), out var key) && entry.Value.TryParse(out int n))
                {
                    counts[key] = n;
                }
            }

            _cache.Set(CountsKey(viewer), new CachedCounts(counts, now), s_counts);
            return counts;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return ViewerHolds.None;
        }
    }

    private static string CountsKey(string viewer) => "freq:" + viewer;

    private static string HoldsKey(string viewer) => "fhold:" + viewer;

    private sealed record CachedCounts(Dictionary<FrequencyKey, int> Counts, DateTimeOffset ReadAt);

    /// <summary>The ads held for one viewer on this instance: few, short-lived, in the order they were made, under a lock.</summary>
    private sealed class ViewerHolds
    {
        public static readonly IReadOnlyDictionary<FrequencyKey, int> None = new Dictionary<FrequencyKey, int>();

        private readonly List<(FrequencyKey Key, Guid Decision, DateTimeOffset Until)> _holds = [];
        private readonly Dictionary<FrequencyKey, int> _counts = [];

        public void Add(FrequencyKey key, Guid decision, DateTimeOffset until)
        {
            lock (_holds)
            {
                _holds.Add((key, decision, until));
                _counts[key] = _counts.GetValueOrDefault(key) + 1;
            }
        }

        public void Release(FrequencyKey key, Guid decision)
        {
            lock (_holds)
            {
                var i = _holds.FindIndex(h => h.Decision == decision && h.Key.CampaignId == key.CampaignId);
                if (i >= 0)
                {
                    Forget(_holds[i].Key);
                    _holds.RemoveAt(i);
                }
            }
        }

        public ViewerHistory AddTo(IReadOnlyDictionary<FrequencyKey, int> counts, DateTimeOffset now)
        {
            lock (_holds)
            {
                // Holds expire in the order they were made.
                var expired = 0;
                while (expired < _holds.Count && _holds[expired].Until <= now)
                {
                    Forget(_holds[expired++].Key);
                }

                _holds.RemoveRange(0, expired);
                if (_counts.Count == 0)
                {
                    return new ViewerHistory(counts);
                }

                var merged = new Dictionary<FrequencyKey, int>(counts);
                foreach (var (key, held) in _counts)
                {
                    merged[key] = merged.GetValueOrDefault(key) + held;
                }

                return new ViewerHistory(merged);
            }
        }

        private void Forget(FrequencyKey key)
        {
            var left = _counts.GetValueOrDefault(key) - 1;
            if (left > 0)
            {
                _counts[key] = left;
            }
            else
            {
                _counts.Remove(key);
            }
        }
    }
}
