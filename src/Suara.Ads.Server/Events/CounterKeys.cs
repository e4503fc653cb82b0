using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Events;

/// <summary>
/// Where counted events live in Redis (see docs/redis.md). Every key of one campaign carries the hash tag
/// <c>{c:ID}</c>, so a campaign's counters are written by one atomic script and the layout works on Redis Cluster
/// unchanged. The campaign's delivery hash shares the tag (<see cref="Delivery.DeliveryKeys.Delivery"/>).
/// </summary>
internal sealed class CounterKeys
{
    private readonly string _prefix;

    public CounterKeys(IOptions<RedisOptions> options) => _prefix = options.Value.KeyPrefix;

    /// <summary>Hash of a campaign's counters for one UTC day: field <c>HOUR|PLACEMENT|CREATIVE|KIND</c>.</summary>
    public RedisKey Counters(string campaign, long utcDay) => Key($"{{c:{campaign}}}:n:{utcDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Set of token ids already counted, for tokens issued in one UTC hour.</summary>
    public RedisKey Seen(string campaign, long issuedHour) => Key($"{{c:{campaign}}}:seen:{issuedHour.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Sorted set of the batches already applied (member: batch id, score: when), for idempotent retries.</summary>
    public RedisKey Batches(string campaign) => Key($"{{c:{campaign}}}:batches");

    private RedisKey Key(string suffix) => new(_prefix + suffix);
}
