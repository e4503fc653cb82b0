using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Suara.Ads.Server.Events;

namespace Suara.Ads.Server.Tests.Support;

/// <summary>Reads what the server wrote to Redis, the way a report would, but straight from the keys.</summary>
public static class CounterReader
{
    /// <summary>
    /// Totals by kind code (s, i, v, c, and x for all invalid traffic) for a campaign (or, with <c>null</c>, every
    /// campaign) on one UTC day.
    /// </summary>
    public static async Task<Dictionary<char, long>> TotalsAsync(IDatabase db, string prefix, string? campaign, DateTimeOffset day)
    {
        var totals = new Dictionary<char, long> { ['s'] = 0, ['i'] = 0, ['v'] = 0, ['c'] = 0, ['x'] = 0 };
        foreach (var (kind, count) in await CellsAsync(db, prefix, campaign, day))
        {
            totals[kind[0]] += count;
        }

        return totals;
    }

    /// <summary>Invalid traffic by reason code (b, p, n, f, u) for a campaign on one UTC day.</summary>
    public static async Task<Dictionary<char, long>> InvalidAsync(IDatabase db, string prefix, string? campaign, DateTimeOffset day)
    {
        var totals = new Dictionary<char, long> { ['b'] = 0, ['p'] = 0, ['n'] = 0, ['f'] = 0, ['u'] = 0 };
        foreach (var (kind, count) in await CellsAsync(db, prefix, campaign, day))
        {
            if (kind[0] == 'x')
            {
                totals[kind[1]] += count;
            }
        }

        return totals;
    }

    /// <summary>One total (kind code s, i, v, c or x) of a campaign on the factory's current UTC day.</summary>
    public static async Task<long> SumAsync(AdsServerFactory factory, string campaign, char kind)
    {
        using var redis = TestRedis.Connect();
        return (await TotalsAsync(redis.GetDatabase(), factory.KeyPrefix, campaign, factory.Time.GetUtcNow()))[kind];
    }

    /// <summary>Writes what the server holds in memory, then reads the totals (kind codes s, i, v, c, x) and invalid reasons of a campaign.</summary>
    public static async Task<(Dictionary<char, long> Totals, Dictionary<char, long> Invalid)> FlushAndReadAsync(AdsServerFactory factory, string campaign)
    {
        await factory.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        using var redis = TestRedis.Connect();
        var now = factory.Time.GetUtcNow();
        return (await TotalsAsync(redis.GetDatabase(), factory.KeyPrefix, campaign, now), await InvalidAsync(redis.GetDatabase(), factory.KeyPrefix, campaign, now));
    }

    /// <summary>The counts of a packed day by kind code, as <see cref="PackedCounters.Reader"/> reads them.</summary>
    public static List<(string Kind, long Count)> Unpack(byte[] packed)
    {
        var cells = new List<(string, long)>();
        var reader = new PackedCounters.Reader(packed);
        while (reader.Next(out var header, out _, out _, out _))
        {
            while (!header && reader.NextCount(out var kind, out var count))
            {
                cells.Add((System.Text.Encoding.UTF8.GetString(kind), count));
            }
        }

        return cells;
    }

    private static async Task<List<(string Kind, long Count)>> CellsAsync(IDatabase db, string prefix, string? campaign, DateTimeOffset day)
    {
        var utcDay = day.ToUnixTimeSeconds() / 86_400;
        var keys = new List<RedisKey>();
        if (campaign is not null)
        {
            keys.Add($"{prefix}{{c:{campaign}}}:n:{utcDay}");
        }
        else
        {
            var server = db.Multiplexer.GetServers()[0];
            await foreach (var key in server.KeysAsync(db.Database, $"{prefix}{{c:*}}:n:{utcDay}"))
            {
                keys.Add(key);
            }
        }

        var cells = new List<(string, long)>();
        foreach (var key in keys)
        {
            // The day's hash, the hash being packed and the packed day (docs/redis.md, "Packed days").
            foreach (var hash in new[] { key, (RedisKey)(key.ToString() + ":x") })
            {
                foreach (var entry in await db.HashGetAllAsync(hash))
                {
                    var field = entry.Name.ToString();
                    if (field.Contains('|', StringComparison.Ordinal))
                    {
                        cells.Add((field[(field.LastIndexOf('|') + 1)..], (long)entry.Value));
                    }
                }
            }

            var packed = (byte[]?)await db.StringGetAsync(key.ToString().Replace(":n:", ":p:", StringComparison.Ordinal));
            cells.AddRange(Unpack(packed ?? []));
        }

        // The counting groups' hashes (docs/redis.md, "Counting groups"): fields OWNER|HOUR|PLACEMENT|CREATIVE|KIND.
        var groups = campaign is null ? Enumerable.Range(0, Core.Counting.CounterGroups.Count) : [Core.Counting.CounterGroups.Of(campaign)];
        foreach (var group in groups)
        {
            // The day's hash, the hash being packed, and the owners' packed days.
            foreach (var hash in new[] { $"{prefix}{{g:{group}}}:n:{utcDay}", $"{prefix}{{g:{group}}}:n:{utcDay}:x" })
            {
                await foreach (var entry in db.HashScanAsync(hash, campaign is null ? "*" : campaign + "|*"))
                {
                    var field = entry.Name.ToString();
                    if (!field.StartsWith('@') && field.Contains('|', StringComparison.Ordinal))
                    {
                        cells.Add((field[(field.LastIndexOf('|') + 1)..], (long)entry.Value));
                    }
                }
            }

            var server = db.Multiplexer.GetServers()[0];
            await foreach (var key in server.KeysAsync(db.Database, $"{prefix}{{g:{group}}}:p:{campaign ?? "*"}:{utcDay}"))
            {
                if (!key.ToString().Contains(":p:@", StringComparison.Ordinal))
                {
                    cells.AddRange(Unpack((byte[]?)await db.StringGetAsync(key) ?? []));
                }
            }
        }

        return cells;
    }

    /// <summary>A campaign's counted impressions in the flight as the delivery hashes hold them: its own hash's and its group's.</summary>
    public static async Task<long> DeliveredAsync(IDatabase db, string prefix, string campaign)
    {
        var own = await db.HashGetAsync($"{prefix}{{c:{campaign}}}:dlv", "total");
        var inGroup = await db.HashGetAsync($"{prefix}{{g:{Core.Counting.CounterGroups.Of(campaign)}}}:dlv", campaign + "|t");
        return (own.TryParse(out long a) ? a : 0) + (inGroup.TryParse(out long b) ? b : 0);
    }
}
