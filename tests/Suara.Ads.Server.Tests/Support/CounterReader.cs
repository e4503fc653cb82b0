using StackExchange.Redis;

namespace Suara.Ads.Server.Tests.Support;

/// <summary>Reads what the server wrote to Redis, the way a report would, but straight from the keys.</summary>
public static class CounterReader
{
    /// <summary>Totals by kind code (s, i, v, c) for a campaign on one UTC day.</summary>
    public static async Task<Dictionary<char, long>> TotalsAsync(IDatabase db, string prefix, string campaign, DateTimeOffset day)
    {
        var utcDay = day.ToUnixTimeSeconds() / 86_400;
        var totals = new Dictionary<char, long> { ['s'] = 0, ['i'] = 0, ['v'] = 0, ['c'] = 0 };
        foreach (var entry in await db.HashGetAllAsync($"{prefix}{{c:{campaign}}}:n:{utcDay}"))
        {
            var field = entry.Name.ToString();
            totals[field[^1]] += (long)entry.Value;
        }

        return totals;
    }
}
