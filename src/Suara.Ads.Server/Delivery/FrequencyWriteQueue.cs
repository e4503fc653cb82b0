using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// Frequency-cap increments of counted impressions waiting to be written (pipelined, with each flush), by viewer
/// digest. Bounded; while Redis is away they wait and are retried. Caps are a serving rule, not a count anyone is billed on, so past the bound the oldest
/// increments are dropped rather than blocking decisions.
/// </summary>
internal sealed class FrequencyWriteQueue
{
    public const int Capacity = 1_000_000;

    private readonly ConcurrentQueue<(string Viewer, FrequencyKey Key, TimeSpan Retention)> _queue = new();
    private readonly RedisConnection _redis;
    private readonly DeliveryKeys _keys;

    public FrequencyWriteQueue(RedisConnection redis, DeliveryKeys keys)
    {
        _redis = redis;
        _keys = keys;
    }

    public int Pending => _queue.Count;

    public void Enqueue(string viewer, FrequencyKey key, TimeSpan retention)
    {
        if (_queue.Count >= Capacity)
        {
            _queue.TryDequeue(out _);
        }

        _queue.Enqueue((viewer, key, retention));
    }

    public async Task FlushAsync()
    {
        if (_queue.IsEmpty || !_redis.IsConnected)
        {
            return;
        }

        // Merge per viewer hash and field, then one HINCRBY per field and one EXPIRE per viewer.
        var merged = new Dictionary<RedisKey, (Dictionary<string, long> Fields, TimeSpan Retention, List<(string, FrequencyKey, TimeSpan)> Items)>();
        while (merged.Count < 10_000 && _queue.TryDequeue(out var item))
        {
            var key = _keys.Viewer(item.Viewer);
            if (!merged.TryGetValue(key, out var entry))
            {
                entry = (new Dictionary<string, long>(StringComparer.Ordinal), item.Retention, []);
                merged[key] = entry;
            }

            var field = FrequencyStoreFields.Field(item.Key);
            entry.Fields[field] = entry.Fields.GetValueOrDefault(field) + 1;
            entry.Items.Add(item);
            if (item.Retention > entry.Retention)
            {
                merged[key] = entry with { Retention = item.Retention };
            }
        }

        var db = _redis.Database;
        var writes = new List<(Task Task, List<(string, FrequencyKey, TimeSpan)> Items)>();
        foreach (var (key, entry) in merged)
        {
            var batch = db.CreateBatch();
            var tasks = entry.Fields.Select(f => (Task)batch.HashIncrementAsync(key, f.Key, f.Value)).ToList();
            // Only ever lengthen a viewer's expiry (a week cap must not be cut short by an hour cap): set it when
            // there is none, else raise it (Redis 7 EXPIRE NX / GT).
            tasks.Add(batch.KeyExpireAsync(key, entry.Retention, ExpireWhen.HasNoExpiry));
            tasks.Add(batch.KeyExpireAsync(key, entry.Retention, ExpireWhen.GreaterThanCurrentExpiry));
            batch.Execute();
            writes.Add((Task.WhenAll(tasks), entry.Items));
        }

        foreach (var (task, items) in writes)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Not written (or not confirmed): retry. A retried increment may count twice; caps err on the safe side.
                foreach (var item in items)
                {
                    _queue.Enqueue(item);
                }
            }
        }
    }
}

/// <summary>How frequency keys map to hash fields.</summary>
internal static class FrequencyStoreFields
{
    public static string Field(FrequencyKey key) => string.Create(CultureInfo.InvariantCulture, $"{key.CampaignId}|{key.Window}");

    public static bool TryParse(string field, out FrequencyKey key)
    {
        var bar = field.LastIndexOf('|');
        if (bar > 0 && long.TryParse(field.AsSpan(bar + 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var window))
        {
            key = new FrequencyKey(field[..bar], window);
            return true;
        }

        key = default;
        return false;
    }
}
