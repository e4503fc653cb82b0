using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Server.Options;

namespace Suara.Ads.Server.Redis;

/// <summary>
/// The key layout (see docs/redis.md). Every key of one campaign carries the hash tag <c>{c:ID}</c> and every key of
/// one viewer <c>{v:HASH}</c>, so a campaign's counters can be written in one atomic script and the layout works on
/// Redis Cluster unchanged.
/// </summary>
internal sealed class RedisKeys
{
    private readonly string _prefix;

    public RedisKeys(IOptions<RedisOptions> options) => _prefix = options.Value.KeyPrefix;

    /// <summary>Hash of a campaign's counters for one UTC day: field <c>HOUR|PLACEMENT|CREATIVE|KIND</c>.</summary>
    public RedisKey Counters(string campaign, long utcDay) => Key($"{{c:{campaign}}}:n:{utcDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Set of token ids already counted, for tokens issued in one UTC hour.</summary>
    public RedisKey Seen(string campaign, long issuedHour) => Key($"{{c:{campaign}}}:seen:{issuedHour.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Hash of a campaign's served totals: <c>total</c> and <c>d:SITEDAY</c>.</summary>
    public RedisKey Served(string campaign) => Key($"{{c:{campaign}}}:served");

    /// <summary>Marker of a batch already applied, for idempotent retries.</summary>
    public RedisKey Batch(string campaign, string batchId) => Key($"{{c:{campaign}}}:b:{batchId}");

    /// <summary>Hash of a viewer's frequency counts: field <c>CAMPAIGN|WINDOW</c>. Viewer ids are hashed: any string is safe.</summary>
    public RedisKey Viewer(string viewerId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(viewerId), hash);
        return Key($"{{v:{Convert.ToHexStringLower(hash[..12])}}}:f");
    }

    /// <summary>The shared admin key, when <c>Ads:AdminKey</c> is not configured.</summary>
    public RedisKey AdminKey => Key("admin-key");

    /// <summary>The shared event-token signing key.</summary>
    public RedisKey SigningKey => Key("signing-key");

    private RedisKey Key(string suffix) => new(_prefix + suffix);
}
