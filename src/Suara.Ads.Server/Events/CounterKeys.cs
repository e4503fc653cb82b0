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

    /// <summary>Hash of a campaign's (or site's) counters for one UTC day: field <c>HOUR|PLACEMENT|CREATIVE|KIND</c>.</summary>
    public RedisKey Counters(string campaign, long utcDay) => Key($"{{{Tag(campaign)}}}:n:{utcDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// A closed UTC day's hourly counters packed into one string (<see cref="PackedCounters"/>), written by
    /// <see cref="CounterCompactor"/>; the day's hash then holds only counts that came after the packing.
    /// </summary>
    public RedisKey Packed(string campaign, long utcDay) => Key($"{{{Tag(campaign)}}}:p:{utcDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A day's hash while it is being packed (renamed, so that new counts start a new hash).</summary>
    public RedisKey Packing(string campaign, long utcDay) => Key($"{{{Tag(campaign)}}}:n:{utcDay.ToString(CultureInfo.InvariantCulture)}:x");

    /// <summary>Marks a UTC day as packed for every campaign and site (a packing pass skips it).</summary>
    public RedisKey PackedDay(long utcDay) => Key($"{{pk}}:done:{utcDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// The owners (campaigns, <c>@SITE</c>) with a hash of their own for a UTC day (<see cref="Counters"/>), added by the
    /// per-campaign counting path before it first writes one: with the counting groups on, the packing pass tries these
    /// instead of every campaign of the catalog.
    /// </summary>
    public RedisKey PerCampaignOwners(long utcDay) => Key($"{{pk}}:own:{utcDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The lease of the instance packing a UTC day.</summary>
    public RedisKey PackingLease(long utcDay) => Key($"{{pk}}:lease:{utcDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Hash of a campaign's counters for one site-local month (<c>YYYYMM</c>): field <c>YYYY-MM-DD|PLACEMENT|CREATIVE|KIND</c>.</summary>
    public RedisKey DailyCounters(string campaign, int month) => Key($"{{{Tag(campaign)}}}:m:{month.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>HyperLogLog of the viewers with a counted impression of a campaign on one site-local day (<c>YYYY-MM-DD</c>).</summary>
    public RedisKey Reach(string campaign, DateOnly day) => Key($"{{c:{campaign}}}:r:{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}");

    /// <summary>A short-lived copy of a reach sketch, for counting the union of several campaigns' under one hash tag.</summary>
    public RedisKey ReachUnion(string tag, int index) => Key($"{{ru:{tag}}}:{index.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Set of token ids already counted, for tokens issued in one UTC hour.</summary>
    public RedisKey Seen(string campaign, long issuedHour) => Key($"{{c:{campaign}}}:seen:{issuedHour.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Bitmap of what was counted of the numbered ads (token version 3) one process run issued for a campaign on one UTC
    /// day (days since the Unix epoch): 3 bits an ad, at 3 × its number (impression, viewable, click).
    /// </summary>
    public RedisKey SeenBits(string campaign, ulong issuer, long issuedDay) =>
        Key($"{{c:{campaign}}}:sb:{issuer.ToString("x16", CultureInfo.InvariantCulture)}:{issuedDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Hash of a counting group's hourly counters for one UTC day: field <c>OWNER|HOUR|PLACEMENT|CREATIVE|KIND</c> (OWNER a campaign id or <c>@SITE</c>).</summary>
    public RedisKey GroupCounters(int group, long utcDay) => Key($"{{{GroupTag(group)}}}:n:{utcDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Hash of a counting group's daily counters for one site-local month (<c>YYYYMM</c>): field <c>OWNER|YYYY-MM-DD|PLACEMENT|CREATIVE|KIND</c>.</summary>
    public RedisKey GroupDailyCounters(int group, int month) => Key($"{{{GroupTag(group)}}}:m:{month.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// The index of a counting group's month (<see cref="GroupDailyCounters"/>): field OWNER (a campaign id or <c>@SITE</c>),
    /// value the owner's cells in that month's hash, <c>PLACEMENT|CREATIVE|KIND</c> separated by spaces, so that a report
    /// names the owner's fields of a day (and of the UTC days whose hours fall in the month) exactly instead of scanning
    /// the group's hash. Written by the group's counting script when it creates a field of a cell new to the owner.
    /// </summary>
    public RedisKey GroupDailyIndex(int group, int month) => Key($"{{{GroupTag(group)}}}:mx:{month.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Bitmap of what was counted of the ads one process run numbered in a counting group on one UTC day (token version
    /// 4): 3 bits an ad, at 3 × its number (impression, viewable, click).
    /// </summary>
    public RedisKey GroupSeenBits(int group, ulong issuer, long issuedDay) =>
        Key($"{{{GroupTag(group)}}}:sb:{issuer.ToString("x16", CultureInfo.InvariantCulture)}:{issuedDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>A counting group's day hash while it is being packed (renamed, so that new counts start a new hash).</summary>
    public RedisKey GroupPacking(int group, long utcDay) => Key($"{{{GroupTag(group)}}}:n:{utcDay.ToString(CultureInfo.InvariantCulture)}:x");

    /// <summary>
    /// An owner's (a campaign's or <c>@SITE</c>) closed UTC day of its group's hourly counters, packed into one string
    /// (<see cref="PackedCounters"/>) under the group's tag, so that moving it out of the group's hash is one script.
    /// </summary>
    public RedisKey GroupPacked(int group, string owner, long utcDay) => Key($"{{{GroupTag(group)}}}:p:{owner}:{utcDay.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The hash tag of a counting group: <c>g:N</c>.</summary>
    public static string GroupTag(int group) => "g:" + group.ToString(CultureInfo.InvariantCulture);

    /// <summary>Sorted set of the batches already applied (member: batch id, score: when), for idempotent retries.</summary>
    public RedisKey Batches(string campaign) => Key($"{{{Tag(campaign)}}}:batches");

    /// <summary>
    /// The hash tag of a batch owner: <c>c:ID</c> for a campaign, <c>s:ID</c> for a site's inventory counts (owner
    /// <see cref="Core.Counting.EventAggregate.SiteOwner"/>). A site's hashes have the same fields with no creative:
    /// <c>HOUR|PLACEMENT||r</c> (requested) and <c>…|f</c> (filled).
    /// </summary>
    public static string Tag(string owner) => owner.StartsWith('@') ? "s:" + owner[1..] : "c:" + owner;

    private RedisKey Key(string suffix) => new(_prefix + suffix);
}
