using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Events;

/// <summary>
/// Reach of the counting groups' path (docs/redis.md, "Reach"): the viewers of a group batch's impressions, held in memory
/// per campaign and site-local day and added to the day's sketch every <c>Ads:ReachInterval</c> with one variadic
/// <c>PFADD</c> per key (and its <c>EXPIRE</c> when this instance has not set it in the last <see cref="ExpiryInterval"/>),
/// so a campaign's reach costs about one command per interval, whatever its traffic. <c>PFADD</c> is idempotent, so a
/// batch applied before and retried may add its viewers again. A failed write keeps what it held for the next interval;
/// beyond <see cref="Capacity"/> viewers the oldest keys' are dropped (counted in <see cref="Dropped"/>): reach is an
/// estimate, counts never depend on it. The counting flusher feeds it (through <see cref="GroupCounterStore"/>), writes it
/// and drains it at a graceful stop.
/// </summary>
internal sealed class ReachBuffer
{
    /// <summary>Most viewers held by default: about 20 MB at most (a 24-character digest and its set entry, some 100 bytes each).</summary>
    public const int DefaultCapacity = 200_000;

    /// <summary>Most viewers one <c>PFADD</c> carries: a key holding more is written with several.</summary>
    public const int ViewersPerCommand = 10_000;

    /// <summary>How often this instance sets again the expiry of a sketch it writes (and when it first writes it).</summary>
    public static readonly TimeSpan ExpiryInterval = TimeSpan.FromHours(1);

    private readonly RedisConnection _redis;
    private readonly CounterKeys _keys;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Campaign, int SiteDay), Entry> _held = [];
    private readonly Dictionary<RedisKey, long> _expired = []; // key -> when this instance last set its expiry (Unix s)
    private long _next; // Unix ms: when the held viewers are next written
    private long _order;
    private int _count;
    private long _dropped;
    private bool _failing;

    public ReachBuffer(RedisConnection redis, CounterKeys keys, TimeProvider time, IOptions<AdsOptions> options, AdsMetrics? metrics = null)
    {
        _redis = redis;
        _keys = keys;
        _time = time;
        _interval = options.Value.ReachInterval;
        _next = time.GetUtcNow().ToUnixTimeMilliseconds() + (long)_interval.TotalMilliseconds;
        metrics?.ObserveGauge("suara.ads.reach.pending", () => Held, "{viewer}", "Viewers of counted impressions held for the reach sketches, written every Ads:ReachInterval.");
        metrics?.ObserveCounter("suara.ads.reach.dropped", () => Dropped, "{viewer}", "Viewers dropped from the reach sketches: held beyond the bound while Redis refused their writes.");
    }

    /// <summary>Most viewers held: reaching it writes them at the next flush rather than at the interval; beyond it, while writes fail, the oldest keys' viewers are dropped.</summary>
    public int Capacity { get; init; } = DefaultCapacity;

    /// <summary>Viewers held, not yet written (a viewer of two campaigns or days counts twice).</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Viewers dropped since the start, held beyond <see cref="Capacity"/> while their writes failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Whether the held viewers are to be written now: the interval has passed, or the bound is reached (unless the last write failed: then at the interval).</summary>
    public bool IsDue
    {
        get
        {
            lock (_lock)
            {
                return _count > 0 && (_time.GetUtcNow().ToUnixTimeMilliseconds() >= _next || (_count >= Capacity && !_failing));
            }
        }
    }

    /// <summary>Holds the viewers of <paramref name="batch"/>'s impressions (those whose page sent a viewer).</summary>
    public void Add(CampaignBatch batch)
    {
        lock (_lock)
        {
            foreach (var e in batch.Events)
            {
                if (e.Key.Kind != CounterKind.Impression || e.Reach is null)
                {
                    continue;
                }

                var at = (e.Key.Campaign, e.SiteDay);
                if (!_held.TryGetValue(at, out var entry))
                {
                    entry = new Entry(_order++);
                    _held[at] = entry;
                }

                if (entry.Viewers.Add(e.Reach))
                {
                    _count++;
                }
            }
        }
    }

    /// <summary>
    /// Writes every viewer held, one <c>PFADD</c> per key (pipelined); returns whether all were written. What fails is
    /// kept for the next interval, and beyond <see cref="Capacity"/> the oldest keys' viewers are dropped.
    /// </summary>
    public async Task<bool> WriteAsync()
    {
        List<((string Campaign, int SiteDay) At, Entry Entry)> taken;
        var now = _time.GetUtcNow();
        var clock = now.ToUnixTimeSeconds();
        lock (_lock)
        {
            _next = now.ToUnixTimeMilliseconds() + (long)_interval.TotalMilliseconds;
            if (_count == 0)
            {
                _failing = false;
                return true;
            }

            if (!_redis.IsConnected)
            {
                // Redis is away: do not wait on timeouts; keep them for the next interval, within the bound.
                _failing = true;
                TrimLocked();
                return false;
            }

            taken = [.. _held.Select(h => (h.Key, h.Value))];
            _held.Clear();
            _count = 0;
        }

        var db = _redis.Database;
        var writes = new List<(int Index, Task Write)>();
        var expiring = new List<(int Index, RedisKey Key)>();
        for (var i = 0; i < taken.Count; i++)
        {
            var (at, entry) = taken[i];
            var key = _keys.Reach(at.Campaign, DateOnly.FromDayNumber(at.SiteDay));
            foreach (var chunk in entry.Viewers.Chunk(ViewersPerCommand))
            {
                writes.Add((i, db.HyperLogLogAddAsync(key, [.. chunk.Select(v => (RedisValue)v)])));
            }

            bool expire;
            lock (_lock)
            {
                expire = !_expired.TryGetValue(key, out var set) || clock - set >= ExpiryInterval.TotalSeconds;
            }

            if (expire)
            {
                var task = db.KeyExpireAsync(key, RetentionOptions.DailyRetention);
                writes.Add((i, task));
                expiring.Add((i, key));
            }
        }

        try
        {
            await Task.WhenAll(writes.Select(w => w.Write)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // Which keys failed is read from their tasks below.
        }

        var failed = writes.Where(w => !w.Write.IsCompletedSuccessfully).Select(w => w.Index).ToHashSet();
        lock (_lock)
        {
            foreach (var (i, key) in expiring)
            {
                if (!failed.Contains(i))
                {
                    _expired[key] = clock;
                }
            }

            if (_expired.Count > 10_000)
            {
                foreach (var old in _expired.Where(e => clock - e.Value >= ExpiryInterval.TotalSeconds).Select(e => e.Key).ToList())
                {
                    _expired.Remove(old);
                }
            }

            foreach (var i in failed)
            {
                // Back, as old as it was: its viewers merged with any added since.
                var (at, entry) = taken[i];
                if (_held.TryGetValue(at, out var newer))
                {
                    _count -= newer.Viewers.Count;
                    entry.Viewers.UnionWith(newer.Viewers);
                }

                _held[at] = entry;
                _count += entry.Viewers.Count;
            }

            _failing = failed.Count > 0;
            TrimLocked();
        }

        return failed.Count == 0;
    }

    /// <summary>
    /// Writes the held viewers if they are due (<see cref="IsDue"/>); else, if more than <see cref="Capacity"/> are held
    /// (writes failing), drops the oldest keys' viewers.
    /// </summary>
    public async Task WriteIfDueAsync()
    {
        if (IsDue)
        {
            await WriteAsync().ConfigureAwait(false);
            return;
        }

        lock (_lock)
        {
            TrimLocked();
        }
    }

    /// <summary>Beyond the bound: drops the viewers of the oldest keys until it is kept.</summary>
    private void TrimLocked()
    {
        if (_count <= Capacity)
        {
            return;
        }

        foreach (var (at, entry) in _held.OrderBy(h => h.Value.Order).ToList())
        {
            if (_count <= Capacity)
            {
                break;
            }

            _held.Remove(at);
            _count -= entry.Viewers.Count;
            Interlocked.Add(ref _dropped, entry.Viewers.Count);
        }
    }

    /// <summary>The viewers of one campaign and site day, and when the key was first held (older keys are dropped first).</summary>
    private sealed class Entry(long order)
    {
        public long Order { get; } = order;

        public HashSet<string> Viewers { get; } = new(StringComparer.Ordinal);
    }
}
