using System.Globalization;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Server.Hosting;

using Suara.Ads.Server.Delivery;

namespace Suara.Ads.Server.Events;

/// <summary>
/// Writes one campaign's batch in one atomic script: the batch marker makes a retry of the same batch a no-op,
/// each beacon is counted only if its token id is new to the campaign's de-duplication set, and every key touched
/// gets its expiry. All keys share the campaign's hash tag, so the script runs on one Redis Cluster node.
/// </summary>
internal sealed class RedisCounterStore
{
    /// <summary>Counters are kept this long after their last write.</summary>
    public static readonly TimeSpan CounterRetention = TimeSpan.FromDays(400);

    /// <summary>A token is valid 24 h after its issue hour; its de-duplication set must outlive that.</summary>
    public static readonly TimeSpan SeenRetention = TimeSpan.FromHours(26);

    /// <summary>How long a retry of a written batch is recognised.</summary>
    public static readonly TimeSpan BatchRetention = TimeSpan.FromDays(1);

    /// <summary>Token ids per SADD: Lua's unpack has a stack limit of a few thousand values.</summary>
    private const int MaxIdsPerOperation = 1_000;

    // ARGV: counter ttl, seen ttl, batch ttl, then operations:
    //   'n', keyIndex, field, amount                    -- plain increment
    //   'e', keyIndex, field, seenIndex, n, id1 .. idn  -- add the ids to the seen set; increment by how many were new
    // Beacons are grouped by counter cell and seen set, so Redis does one SADD for many of them.
    private const string Script = """
        if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) then return 0 end
        local ttl = {}
        local i = 4
        while i <= #ARGV do
          local k = tonumber(ARGV[i + 1])
          if ARGV[i] == 'e' then
            local s = tonumber(ARGV[i + 3])
            local n = tonumber(ARGV[i + 4])
            local added = redis.call('SADD', KEYS[s], unpack(ARGV, i + 5, i + 4 + n))
            if added > 0 then
              redis.call('HINCRBY', KEYS[k], ARGV[i + 2], added)
            end
            ttl[s] = ARGV[2]
            i = i + 5 + n
          else
            redis.call('HINCRBY', KEYS[k], ARGV[i + 2], ARGV[i + 3])
            i = i + 4
          end
          ttl[k] = ttl[k] or ARGV[1]
        end
        for k, t in pairs(ttl) do redis.call('EXPIRE', KEYS[k], t) end
        return 1
        """;

    private readonly RedisConnection _redis;
    private readonly CounterKeys _keys;
    private readonly DeliveryKeys _delivery;

    public RedisCounterStore(RedisConnection redis, CounterKeys keys, DeliveryKeys delivery)
    {
        _redis = redis;
        _keys = keys;
        _delivery = delivery;
    }

    public bool IsAvailable => _redis.IsConnected;

    /// <summary>Writes <paramref name="batch"/>; throws when Redis does not confirm it.</summary>
    public Task WriteAsync(CampaignBatch batch)
    {
        var keys = new List<RedisKey> { _keys.Batch(batch.Campaign, batch.BatchId) };
        var keyIndex = new Dictionary<RedisKey, int>();
        int IndexOf(RedisKey key)
        {
            if (!keyIndex.TryGetValue(key, out var i))
            {
                keys.Add(key);
                i = keys.Count; // Lua indexes from 1
                keyIndex[key] = i;
            }

            return i;
        }

        var args = new List<RedisValue>
        {
            (long)CounterRetention.TotalSeconds,
            (long)SeenRetention.TotalSeconds,
            (long)BatchRetention.TotalSeconds,
        };

        foreach (var (key, amount) in batch.Counts)
        {
            args.Add("n");
            args.Add(IndexOf(_keys.Counters(batch.Campaign, key.Hour / 24)));
            args.Add(Field(key));
            args.Add(amount);
        }

        if (batch.ServedByDay.Count > 0)
        {
            var served = IndexOf(_delivery.Served(batch.Campaign));
            long total = 0;
            foreach (var (day, amount) in batch.ServedByDay)
            {
                args.Add("n");
                args.Add(served);
                args.Add("d:" + day.ToString(CultureInfo.InvariantCulture));
                args.Add(amount);
                total += amount;
            }

            args.Add("n");
            args.Add(served);
            args.Add("total");
            args.Add(total);
        }

        var groups = new Dictionary<(CounterKey Key, long IssuedHour), List<string>>();
        foreach (var e in batch.Events)
        {
            if (!groups.TryGetValue((e.Key, e.IssuedHour), out var ids))
            {
                groups[(e.Key, e.IssuedHour)] = ids = [];
            }

            ids.Add(e.TokenId);
        }

        foreach (var ((key, issuedHour), ids) in groups)
        {
            var counter = IndexOf(_keys.Counters(batch.Campaign, key.Hour / 24));
            var seen = IndexOf(_keys.Seen(batch.Campaign, issuedHour));
            var field = Field(key);
            for (var start = 0; start < ids.Count; start += MaxIdsPerOperation)
            {
                var count = Math.Min(MaxIdsPerOperation, ids.Count - start);
                args.Add("e");
                args.Add(counter);
                args.Add(field);
                args.Add(seen);
                args.Add(count);
                for (var j = start; j < start + count; j++)
                {
                    args.Add(ids[j]);
                }
            }
        }

        return _redis.Database.ScriptEvaluateAsync(Script, [.. keys], [.. args]);
    }

    /// <summary>Field of a counter in its day hash.</summary>
    public static string Field(in CounterKey key) =>
        string.Create(CultureInfo.InvariantCulture, $"{key.Hour}|{key.Placement}|{key.Creative}|{KindCode(key.Kind)}");

    public static char KindCode(CounterKind kind) => kind switch
    {
        CounterKind.Served => 's',
        CounterKind.Impression => 'i',
        CounterKind.Viewable => 'v',
        _ => 'c',
    };
}
