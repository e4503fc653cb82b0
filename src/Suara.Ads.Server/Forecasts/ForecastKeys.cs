using System.Globalization;
using StackExchange.Redis;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Forecasts;

/// <summary>
/// Where the traffic sample lives in Redis (see docs/redis.md). A site's sample keys carry the hash tag <c>{fs:SITE}</c>,
/// so a day's counts and records are written together by one script and the layout works on Redis Cluster unchanged.
/// </summary>
internal sealed class ForecastKeys
{
    private readonly RedisConnection _redis;

    public ForecastKeys(RedisConnection redis) => _redis = redis;

    /// <summary>
    /// Hash of a site's counts for one site-local day: <c>r:HOUR</c> valid decision requests, <c>s:HOUR</c> records kept,
    /// <c>f</c> slots filled, <c>i</c> impressions counted.
    /// </summary>
    public RedisKey Counts(string site, DateOnly day) => _redis.Key($"{{fs:{site}}}:n:{Day(day)}");

    /// <summary>List of a site's sampled requests of one site-local day, each a JSON record.</summary>
    public RedisKey Records(string site, DateOnly day) => _redis.Key($"{{fs:{site}}}:s:{Day(day)}");

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
