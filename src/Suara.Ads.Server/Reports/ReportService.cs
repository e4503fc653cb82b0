using System.Globalization;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Reports;

/// <summary>
/// Builds reports from the counters in Redis (one hash per campaign and UTC day, see docs/redis.md): the range is
/// read with one pipelined <c>HGETALL</c> per day, and every UTC hour is placed in the day or hour of the site's time
/// zone it falls in. In zones with a half-hour offset an hour's counts go to the local hour it starts in.
/// </summary>
internal sealed class ReportService
{
    /// <summary>Longest range of a report, in days.</summary>
    public const int MaxDays = 366;

    /// <summary>Longest range of an hourly report, in days.</summary>
    public const int MaxHourlyDays = 31;

    private readonly RedisConnection _redis;
    private readonly CounterKeys _keys;

    public ReportService(RedisConnection redis, CounterKeys keys)
    {
        _redis = redis;
        _keys = keys;
    }

    public bool IsAvailable => _redis.IsConnected;

    public async Task<CampaignReport> CampaignAsync(CompiledCampaign campaign, TimeZoneInfo zone, DateOnly from, DateOnly to, bool hourly)
    {
        var rows = new Dictionary<(DateTime Bucket, string Creative, string Placement), long[]>();
        foreach (var (hour, placement, creative, kind, count) in await ReadAsync(campaign.Id, zone, from, to).ConfigureAwait(false))
        {
            var local = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(hour * 3600), zone).DateTime;
            var bucket = hourly ? new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0) : local.Date;
            if (!rows.TryGetValue((bucket, creative, placement), out var counts))
            {
                rows[(bucket, creative, placement)] = counts = new long[ReportCounts.Width];
            }

            counts[kind] += count;
        }

        var list = rows
            .OrderBy(r => r.Key.Bucket).ThenBy(r => r.Key.Creative, StringComparer.Ordinal).ThenBy(r => r.Key.Placement, StringComparer.Ordinal)
            .Select(r => ReportCounts.From(r.Value) is var counts ? new CampaignReportRow
            {
                Time = hourly ? FormatHour(r.Key.Bucket, zone) : r.Key.Bucket.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                CreativeId = r.Key.Creative,
                Placement = r.Key.Placement,
                Served = counts.Served,
                Impressions = counts.Impressions,
                Viewable = counts.Viewable,
                Clicks = counts.Clicks,
                InvalidByReason = counts.InvalidByReason,
            } : null!)
            .ToArray();

        return new CampaignReport
        {
            CampaignId = campaign.Id,
            From = Format(from),
            To = Format(to),
            Granularity = hourly ? "hour" : "day",
            TimeZone = zone.Id,
            Totals = ReportCounts.Sum(list),
            Rows = list,
        };
    }

    public async Task<AdvertiserReport> AdvertiserAsync(string advertiserId, IReadOnlyList<(CompiledCampaign Campaign, TimeZoneInfo Zone)> campaigns, DateOnly from, DateOnly to)
    {
        var rows = new List<AdvertiserReportRow>();
        foreach (var (campaign, zone) in campaigns.OrderBy(c => c.Campaign.Id, StringComparer.Ordinal))
        {
            var counts = new long[ReportCounts.Width];
            foreach (var entry in await ReadAsync(campaign.Id, zone, from, to).ConfigureAwait(false))
            {
                counts[entry.Kind] += entry.Count;
            }

            var sums = ReportCounts.From(counts);
            rows.Add(new AdvertiserReportRow
            {
                CampaignId = campaign.Id,
                Name = campaign.Source.Name,
                Served = sums.Served,
                Impressions = sums.Impressions,
                Viewable = sums.Viewable,
                Clicks = sums.Clicks,
                InvalidByReason = sums.InvalidByReason,
            });
        }

        return new AdvertiserReport
        {
            AdvertiserId = advertiserId,
            From = Format(from),
            To = Format(to),
            Totals = ReportCounts.Sum(rows),
            Rows = rows,
        };
    }

    /// <summary>Counter cells of a campaign between the start of <paramref name="from"/> and the end of <paramref name="to"/> in <paramref name="zone"/>.</summary>
    private async Task<List<(long Hour, string Placement, string Creative, int Kind, long Count)>> ReadAsync(string campaign, TimeZoneInfo zone, DateOnly from, DateOnly to)
    {
        var startUtc = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), zone);
        var endUtc = TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        var firstHour = new DateTimeOffset(startUtc).ToUnixTimeSeconds() / 3600;
        var endHour = (new DateTimeOffset(endUtc).ToUnixTimeSeconds() + 3599) / 3600;
        var db = _redis.Database;
        var reads = new List<Task<HashEntry[]>>();
        for (var day = firstHour / 24; day <= (endHour - 1) / 24; day++)
        {
            reads.Add(db.HashGetAllAsync(_keys.Counters(campaign, day)));
        }

        var cells = new List<(long, string, string, int, long)>();
        foreach (var entries in await Task.WhenAll(reads).ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                var parts = entry.Name.ToString().Split('|');
                if (parts.Length == 4 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var hour)
                    && hour >= firstHour && hour < endHour && Column(parts[3]) is var kind and >= 0 && entry.Value.TryParse(out long count))
                {
                    cells.Add((hour, parts[1], parts[2], kind, count));
                }
            }
        }

        return cells;
    }

    /// <summary>The column of a counter field's kind (<see cref="RedisCounterStore.KindCode"/>) in a count array; -1 for none.</summary>
    private static int Column(string kind) => kind switch
    {
        "s" => 0,
        "i" => 1,
        "v" => 2,
        "c" => 3,
        ['x', var reason] when InvalidReasons.FromCode(reason) is var r && r != InvalidReason.None => 4 + Array.IndexOf(InvalidReasons.All, r),
        _ => -1,
    };

    private static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string FormatHour(DateTime local, TimeZoneInfo zone) =>
        new DateTimeOffset(local, zone.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
