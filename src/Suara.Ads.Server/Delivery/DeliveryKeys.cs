using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// Where delivery state lives in Redis (see docs/redis.md): a campaign's delivered totals, under the campaign's hash
/// tag <c>{c:ID}</c> so the counting script updates them with its counters, and each viewer's frequency counts under
/// <c>{v:HASH}</c>.
/// </summary>
internal sealed class DeliveryKeys
{
    private readonly string _prefix;

    public DeliveryKeys(IOptions<RedisOptions> options) => _prefix = options.Value.KeyPrefix;

    /// <summary>Hash of a campaign's served totals: <c>total</c> and <c>d:SITEDAY</c>.</summary>
    public RedisKey Served(string campaign) => Key($"{{c:{campaign}}}:served");

    /// <summary>Hash of a viewer's frequency counts: field <c>CAMPAIGN|WINDOW</c>. Viewer ids are hashed: any string is safe.</summary>
    public RedisKey Viewer(string viewerId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(viewerId), hash);
        return Key($"{{v:{Convert.ToHexStringLower(hash[..12])}}}:f");
    }

    private RedisKey Key(string suffix) => new(_prefix + suffix);
}
