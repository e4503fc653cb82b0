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

    /// <summary>
    /// Hash of the delivery of a counting group's campaigns (docs/redis.md, "Counting groups"), a bounded set of fields per
    /// campaign: <c>CAMPAIGN|t</c> counted impressions, <c>CAMPAIGN|c</c> counted clicks, <c>CAMPAIGN|d:K</c> and
    /// <c>CAMPAIGN|cd:K</c> a ring of <see cref="DayRing"/> site days (value <c>SITEDAY:COUNT</c>), <c>CAMPAIGN|h:K</c> a
    /// ring of <see cref="HoldRing"/> hold buckets (value <c>BUCKET:SERVED:RELEASED</c>); and <c>b:RUN</c>, the last batch
    /// an instance run applied in the group (<c>SEQ:UNIXTIME</c>), with <c>runs</c>, the runs recorded.
    /// </summary>
    public RedisKey GroupDelivery(int group) => Key($"{{g:{group.ToString(CultureInfo.InvariantCulture)}}}:dlv");

    /// <summary>Site days kept per campaign in <see cref="GroupDelivery"/> (a newer day takes the slot of the day 4 before).</summary>
    public const int DayRing = 4;

    /// <summary>Hold buckets kept per campaign in <see cref="GroupDelivery"/>: more than the buckets a hold can be live in.</summary>
    public const int HoldRing = 8;

    /// <summary>A campaign's field in <see cref="GroupDelivery"/>: <c>CAMPAIGN|NAME</c>.</summary>
    public static string GroupField(string campaign, string name) => campaign + "|" + name;

    /// <summary>The field name (after <c>CAMPAIGN|</c>) of a site day's counted impressions in <see cref="GroupDelivery"/>.</summary>
    public static string GroupDayField(int siteDay) => "d:" + (siteDay % DayRing).ToString(CultureInfo.InvariantCulture);

    /// <summary>The field name of a site day's counted clicks in <see cref="GroupDelivery"/>.</summary>
    public static string GroupClickDayField(int siteDay) => "cd:" + (siteDay % DayRing).ToString(CultureInfo.InvariantCulture);

    /// <summary>The field name of a hold bucket in <see cref="GroupDelivery"/>.</summary>
    public static string GroupHoldField(long bucket) => "h:" + (bucket % HoldRing).ToString(CultureInfo.InvariantCulture);

    /// <summary>A day slot's count in <see cref="GroupDelivery"/> (<c>SITEDAY:COUNT</c>) for <paramref name="siteDay"/>: 0 when the slot holds another day.</summary>
    public static long GroupDayCount(RedisValue value, int siteDay)
    {
        var text = (string?)value;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return colon > 0 && int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var day) && day == siteDay
            && long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
    }

    /// <summary>A hold slot's ads held and not released in <see cref="GroupDelivery"/> (<c>BUCKET:SERVED:RELEASED</c>) for <paramref name="bucket"/>: 0 when it holds another bucket.</summary>
    public static long GroupHeld(RedisValue value, long bucket)
    {
        var parts = ((string?)value)?.Split(':');
        return parts is { Length: 3 } && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var at) && at == bucket
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var served)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var released) ? Math.Max(0, served - released) : 0;
    }

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
