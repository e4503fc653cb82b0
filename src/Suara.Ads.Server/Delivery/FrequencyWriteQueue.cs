using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// Frequency-cap increments of counted impressions waiting to be written (pipelined, with each flush), by viewer
/// digest. Bounded; while Redis is away they wait and are retried. Caps are a serving rule, not a count anyone is billed on, so past the bound the oldest
/// increments are dropped rather than blocking decisions.
/// </summary>
/// <remarks>
/// A viewer's hash is bounded too: one script per viewer adds the increments, lengthens the key's expiry (never
/// shortens it), deletes the fields of hour, day and week windows that have ended in every time zone
/// (<see cref="FrequencyWindows.OldestLive"/>), and beyond <see cref="MaxFieldsPerViewer"/> fields deletes those whose
/// windows end first (flight windows last). So a viewer who comes back every day for a year keeps a field per capped
/// campaign and live window, not one per window ever counted.
/// </remarks>
internal sealed class FrequencyWriteQueue
{
    public const int Capacity = 1_000_000;

    /// <summary>
    /// Most fields a viewer's hash keeps (a field per capped campaign and live window; under Redis's compact hash
    /// encoding limit of 128). Past it the fields of the windows ending first go: that viewer may then see those
    /// campaigns beyond their caps, the price of a bound on what one viewer (or a bot) can make Redis keep.
    /// </summary>
    public const int MaxFieldsPerViewer = 100;

    // KEYS[1]: a viewer's hash (field CAMPAIGN|WINDOW). ARGV: expiry (seconds), most fields, the oldest live hour, day and
    // week windows, then pairs of field and increment. A window is PERIOD × 2^40 + index (FrequencyWindows.Key): period
    // 1 hour, 2 day, 3 week (index in those units since 0001-01-01), 4 flight (never ends while the key lives).
    private const string Script = """
        local key = KEYS[1]
        for j = 6, #ARGV, 2 do redis.call('HINCRBY', key, ARGV[j], ARGV[j + 1]) end
        local ttl = tonumber(ARGV[1])
        if redis.call('TTL', key) < ttl then redis.call('EXPIRE', key, ttl) end
        local shift = 1099511627776
        local hours = {1, 24, 168}
        local live = {}
        for _, field in ipairs(redis.call('HKEYS', key)) do
          local window = tonumber(string.match(field, '|(%d+)$'))
          if window then
            local period = math.floor(window / shift)
            if period >= 1 and period <= 3 and window < tonumber(ARGV[2 + period]) then
              redis.call('HDEL', key, field)
            else
              local ends = math.huge
              if period >= 1 and period <= 3 then ends = (window - period * shift + 1) * hours[period] end
              live[#live + 1] = {ends, field}
            end
          end
        end
        local excess = #live - tonumber(ARGV[2])
        if excess > 0 then
          table.sort(live, function(x, y) if x[1] ~= y[1] then return x[1] < y[1] end return x[2] < y[2] end)
          for j = 1, excess do redis.call('HDEL', key, live[j][2]) end
        end
        return excess
        """;

    private readonly ConcurrentQueue<(string Viewer, FrequencyKey Key, TimeSpan Retention)> _queue = new();
    private readonly RedisConnection _redis;
    private readonly DeliveryKeys _keys;
    private readonly TimeProvider _time;

    public FrequencyWriteQueue(RedisConnection redis, DeliveryKeys keys, TimeProvider time)
    {
        _redis = redis;
        _keys = keys;
        _time = time;
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

        // Merge per viewer hash and field, then one script per viewer.
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
        var now = _time.GetUtcNow();
        var writes = new List<(Task Task, List<(string, FrequencyKey, TimeSpan)> Items)>();
        foreach (var (key, entry) in merged)
        {
            // Only ever lengthen a viewer's expiry (a week cap must not be cut short by an hour cap).
            var args = new List<RedisValue>(5 + (2 * entry.Fields.Count))
            {
                (long)Math.Ceiling(entry.Retention.TotalSeconds),
                MaxFieldsPerViewer,
                FrequencyWindows.OldestLive(CapPeriod.Hour, now),
                FrequencyWindows.OldestLive(CapPeriod.Day, now),
                FrequencyWindows.OldestLive(CapPeriod.Week, now),
            };
            foreach (var (field, increment) in entry.Fields)
            {
                args.Add(field);
                args.Add(increment);
            }

            writes.Add((db.ScriptEvaluateAsync(Script, [key], [.. args]), entry.Items));
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
