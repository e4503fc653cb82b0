using System.Globalization;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;

namespace Suara.Ads.Server.Redis;

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

    // ARGV: counter ttl, seen ttl, batch ttl, then operations:
    //   'n', keyIndex, field, amount              -- plain increment
    //   'e', keyIndex, field, tokenId, seenIndex  -- increment once per token id
    private const string Script = """
        if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[3]) then return 0 end
        local ttl = {}
        local i = 4
        while i <= #ARGV do
          local k = tonumber(ARGV[i + 1])
          if ARGV[i] == 'e' then
            local s = tonumber(ARGV[i + 4])
            if redis.call('SADD', KEYS[s], ARGV[i + 3]) == 1 then
              redis.call('HINCRBY', KEYS[k], ARGV[i + 2], 1)
            end
            ttl[s] = ARGV[2]
            i = i + 5
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
    private readonly RedisKeys _keys;

    public RedisCounterStore(RedisConnection redis, RedisKeys keys)
    {
        _redis = redis;
        _keys = keys;
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
            var served = IndexOf(_keys.Served(batch.Campaign));
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

        foreach (var e in batch.Events)
        {
            args.Add("e");
            args.Add(IndexOf(_keys.Counters(batch.Campaign, e.Key.Hour / 24)));
            args.Add(Field(e.Key));
            args.Add(e.TokenId);
            args.Add(IndexOf(_keys.Seen(batch.Campaign, e.IssuedHour)));
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
