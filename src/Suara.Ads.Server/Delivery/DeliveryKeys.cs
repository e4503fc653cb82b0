using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Delivery;

/// <summary>
/// Where delivery state lives in Redis (see docs/redis.md): a campaign's delivery hash, under the campaign's hash tag
/// <c>{c:ID}</c> so the counting script updates it with the campaign's counters, and each viewer's counted
/// impressions under <c>{v:DIGEST}</c>.
/// </summary>
internal sealed class DeliveryKeys
{
    private readonly string _prefix;

    public DeliveryKeys(IOptions<RedisOptions> options) => _prefix = options.Value.KeyPrefix;

    /// <summary>
    /// Hash of a campaign's delivery: counted impressions <c>total</c> and per site day <c>d:SITEDAY</c>; counted clicks
    /// <c>clicks</c> and per site day <c>cd:SITEDAY</c> (for click and cpc spend goals); ads served
    /// and held per hold bucket <c>s:BUCKET</c>, the impressions that released them <c>i:BUCKET</c>, and <c>lo</c>,
    /// the oldest bucket that may still have fields.
    /// </summary>
    public RedisKey Delivery(string campaign) => Key($"{{c:{campaign}}}:dlv");

    /// <summary>The field of a site day's counted impressions in <see cref="Delivery"/> (the day as days since 0001-01-01).</summary>
    public static string DayField(int siteDay) => "d:" + siteDay.ToString(CultureInfo.InvariantCulture);

    /// <summary>The field of a site day's counted clicks in <see cref="Delivery"/>.</summary>
    public static string ClickDayField(int siteDay) => "cd:" + siteDay.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Sorted set of the campaigns whose delivery hash was written, scored by when (Redis's clock, ms): readers re-read only
    /// these, so an idle instance's reads do not grow with the catalog. Entries older than an hour are trimmed.
    /// </summary>
    public RedisKey Changed() => Key("{dlv}:changed");

    /// <summary>Hash of a viewer's counted impressions: field <c>CAMPAIGN|WINDOW</c>. The viewer is its <see cref="Core.Delivery.ViewerDigest"/>.</summary>
    public RedisKey Viewer(string viewerDigest) => Key($"{{v:{viewerDigest}}}:f");

    private RedisKey Key(string suffix) => new(_prefix + suffix);
}
