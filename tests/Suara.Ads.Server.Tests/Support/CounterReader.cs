using StackExchange.Redis;

namespace Suara.Ads.Server.Tests.Support;

/// <summary>Reads what the server wrote to Redis, the way a report would, but straight from the keys.</summary>
public static class CounterReader
{
    /// <summary>Totals by kind code (s, i, v, c) for a campaign (or, with <c>null</c>, every campaign) on one UTC day.</summary>
    public static async Task<Dictionary<char, long>> TotalsAsync(IDatabase db, string prefix, string? campaign, DateTimeOffset day)
    {
        var utcDay = day.ToUnixTimeSeconds() / 86_400;
        var totals = new Dictionary<char, long> { ['s'] = 0, ['i'] = 0, ['v'] = 0, ['c'] = 0 };
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

        foreach (var key in keys)
        {
            foreach (var entry in await db.HashGetAllAsync(key))
            {
                var field = entry.Name.ToString();
                totals[field[^1]] += (long)entry.Value;
            }
        }

        return totals;
    }
}
