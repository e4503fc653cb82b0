using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Suara.Ads.Core.Billing;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Reports;

/// <summary>
/// Builds reports from the counters in Redis (docs/redis.md): daily reports from each campaign's daily hashes (one per
/// site-local month, kept 400 days), hourly reports from its hourly hashes (one per UTC day, kept for the hourly
/// retention), each read with one pipelined <c>HGETALL</c> per hash. Every UTC hour is placed in the local hour it
/// starts in (in zones with a half-hour offset, an hour's counts go to the local hour it starts in). Spend is priced at
/// the campaign's rate when the report is read; reach is the union of the campaign's daily HyperLogLogs.
/// </summary>
internal sealed class ReportService
{
    /// <summary>Longest range of a report, in days.</summary>
    public const int MaxDays = 366;

    /// <summary>Longest range of an hourly report, in days.</summary>
    public const int MaxHourlyDays = 92;

    // Columns of the count arrays: a campaign's (ReportCounts.Width), then a site's requested and filled slots.
    private const int RequestedColumn = ReportCounts.Width;
    private const int FilledColumn = ReportCounts.Width + 1;
    private const int Columns = ReportCounts.Width + 2;

    private readonly RedisConnection _redis;
    private readonly CounterKeys _keys;
    private readonly RetentionOptions _retention;

    public ReportService(RedisConnection redis, CounterKeys keys, IOptions<RetentionOptions> retention)
    {
        _redis = redis;
        _keys = keys;
        _retention = retention.Value;
    }

    public bool IsAvailable => _redis.IsConnected;

    /// <summary>How many days back hourly detail is kept (today counts as the first).</summary>
    public int HourlyDays => Math.Max(1, (int)_retention.HourlyRetention.TotalDays);

    public async Task<CampaignReport> CampaignAsync(CompiledCampaign campaign, TimeZoneInfo zone, DateOnly from, DateOnly to, bool hourly)
    {
        var cellsTask = hourly ? ReadHourlyAsync(campaign.Id, zone, from, to) : ReadDailyAsync(campaign.Id, from, to);
        var reachTask = ReachAsync([campaign.Id], from, to);
        var rows = new Dictionary<(DateTime Bucket, string Creative, string Placement), long[]>();
        foreach (var (bucket, placement, creative, kind, count) in await cellsTask.ConfigureAwait(false))
        {
            if (!rows.TryGetValue((bucket, creative, placement), out var counts))
            {
                rows[(bucket, creative, placement)] = counts = new long[Columns];
            }

            counts[kind] += count;
        }

        var ordered = rows
            .OrderBy(r => r.Key.Bucket).ThenBy(r => r.Key.Creative, StringComparer.Ordinal).ThenBy(r => r.Key.Placement, StringComparer.Ordinal)
            .Select(r => (r.Key.Bucket, (string?)r.Key.Creative, (string?)r.Key.Placement, ReportCounts.From(r.Value)))
            .ToList();
        var (spends, total) = Price(campaign.Source, zone, from, to, ordered);
        var list = ordered
            .Select((r, i) => new CampaignReportRow(r.Item4)
            {
                Time = hourly ? FormatHour(r.Bucket, zone) : Format(DateOnly.FromDateTime(r.Bucket)),
                CreativeId = r.Item2,
                Placement = r.Item3,
                Spend = spends?[i],
            })
            .ToArray();

        return new CampaignReport
        {
            CampaignId = campaign.Id,
            From = Format(from),
            To = Format(to),
            Granularity = hourly ? "hour" : "day",
            TimeZone = zone.Id,
            Totals = new ReportTotals(ReportCounts.Sum(list))
            {
                Spend = total,
                Currency = total is null ? null : campaign.Source.Rate!.Currency,
                Reach = await reachTask.ConfigureAwait(false),
            },
            Rows = list,
        };
    }

    public async Task<AdvertiserReport> AdvertiserAsync(string advertiserId, IReadOnlyList<(CompiledCampaign Campaign, TimeZoneInfo Zone)> campaigns, DateOnly from, DateOnly to)
    {
        var ordered = campaigns.OrderBy(c => c.Campaign.Id, StringComparer.Ordinal).ToArray();
        var reads = ordered.Select(c => (Cells: ReadDailyAsync(c.Campaign.Id, from, to), Reach: ReachAsync([c.Campaign.Id], from, to))).ToArray();
        var allReach = ReachAsync([.. ordered.Select(c => c.Campaign.Id)], from, to);
        var rows = new List<AdvertiserReportRow>();
        for (var i = 0; i < ordered.Length; i++)
        {
            var (campaign, zone) = ordered[i];
            var byDay = new Dictionary<DateTime, long[]>();
            foreach (var (day, _, _, kind, count) in await reads[i].Cells.ConfigureAwait(false))
            {
                if (!byDay.TryGetValue(day, out var dayCounts))
                {
                    byDay[day] = dayCounts = new long[Columns];
                }

                dayCounts[kind] += count;
            }

            var days = byDay.OrderBy(d => d.Key).Select(d => (d.Key, (string?)null, (string?)null, ReportCounts.From(d.Value))).ToList();
            var (_, spend) = Price(campaign.Source, zone, from, to, days);
            rows.Add(new AdvertiserReportRow(ReportCounts.Sum(days.Select(d => d.Item4)))
            {
                CampaignId = campaign.Id,
                Name = campaign.Source.Name,
                Spend = spend,
                Currency = spend is null ? null : campaign.Source.Rate!.Currency,
                Reach = await reads[i].Reach.ConfigureAwait(false),
            });
        }

        var currencies = rows.Where(r => r.Currency is not null).GroupBy(r => r.Currency!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Spend!.Value), StringComparer.Ordinal);
        return new AdvertiserReport
        {
            AdvertiserId = advertiserId,
            From = Format(from),
            To = Format(to),
            Totals = new ReportTotals(ReportCounts.Sum(rows))
            {
                Spend = currencies.Count == 1 ? currencies.Values.Single() : null,
                Currency = currencies.Count == 1 ? currencies.Keys.Single() : null,
                SpendByCurrency = currencies.Count > 1 ? currencies : null,
                Reach = await allReach.ConfigureAwait(false),
            },
            Rows = rows,
        };
    }

    /// <summary>
    /// The publisher's report of <paramref name="site"/>: slots requested and filled (the site's own counters), and the
    /// impressions, viewables, clicks and spend of every campaign in the catalog that serves in its placements, by
    /// placement and day or hour. Revenue is the campaigns' spend, priced like their own reports, so it adds up the same.
    /// </summary>
    public async Task<SiteReport> SiteAsync(CatalogSnapshot snapshot, string site, TimeZoneInfo zone, DateOnly from, DateOnly to, bool hourly)
    {
        var placements = snapshot.Placements.Values.Where(p => p.Site.Id == site).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var campaigns = snapshot.Campaigns.Where(c => c.Source.Placements.Any(placements.Contains)).OrderBy(c => c.Id, StringComparer.Ordinal).ToArray();
        var owner = EventAggregate.SiteOwner(site);
        var inventory = hourly ? ReadHourlyAsync(owner, zone, from, to) : ReadDailyAsync(owner, from, to);
        var reads = campaigns.Select(c => hourly ? ReadHourlyAsync(c.Id, zone, from, to) : ReadDailyAsync(c.Id, from, to)).ToArray();

        var rows = new Dictionary<(DateTime Bucket, string Placement), SiteRowBuilder>();
        SiteRowBuilder Row(DateTime bucket, string placement)
        {
            if (!rows.TryGetValue((bucket, placement), out var row))
            {
                rows[(bucket, placement)] = row = new SiteRowBuilder();
            }

            return row;
        }

        foreach (var (bucket, placement, _, kind, count) in await inventory.ConfigureAwait(false))
        {
            var row = Row(bucket, placement);
            row.Counts[kind] += count;
        }

        for (var i = 0; i < campaigns.Length; i++)
        {
            var cells = new Dictionary<(DateTime, string), long[]>();
            foreach (var (bucket, placement, _, kind, count) in await reads[i].ConfigureAwait(false))
            {
                if (!placements.Contains(placement) || kind >= ReportCounts.Width)
                {
                    continue;
                }

                if (!cells.TryGetValue((bucket, placement), out var counts))
                {
                    cells[(bucket, placement)] = counts = new long[ReportCounts.Width];
                }

                counts[kind] += count;
                Row(bucket, placement).Counts[kind] += count;
            }

            // The campaign's spend in this site's placements, priced as its own report prices it.
            var priced = cells.OrderBy(c => c.Key.Item1).ThenBy(c => c.Key.Item2, StringComparer.Ordinal)
                .Select(c => (c.Key.Item1, (string?)null, (string?)c.Key.Item2, ReportCounts.From(c.Value))).ToList();
            var (spends, _) = Price(campaigns[i].Source, zone, from, to, priced);
            if (spends is null || campaigns[i].Source.Rate is not { } rate)
            {
                continue;
            }

            for (var j = 0; j < priced.Count; j++)
            {
                // A flat rate's flight day without any count is the site's too when the campaign serves only here.
                var placement = priced[j].Item3 ?? (campaigns[i].Source.Placements.All(placements.Contains) ? campaigns[i].Source.Placements[0] : null);
                if (placement is not null && spends[j] is { } spend && spend != 0)
                {
                    var row = Row(priced[j].Item1, placement);
                    row.Revenue[rate.Currency] = row.Revenue.GetValueOrDefault(rate.Currency) + spend;
                }
            }
        }

        var list = rows.OrderBy(r => r.Key.Bucket).ThenBy(r => r.Key.Placement, StringComparer.Ordinal).Select(r => r.Value.Build(hourly ? FormatHour(r.Key.Bucket, zone) : Format(DateOnly.FromDateTime(r.Key.Bucket)), r.Key.Placement)).ToArray();
        var totals = new SiteRowBuilder();
        foreach (var row in rows.Values)
        {
            totals.Add(row);
        }

        return new SiteReport
        {
            SiteId = site,
            From = Format(from),
            To = Format(to),
            Granularity = hourly ? "hour" : "day",
            TimeZone = zone.Id,
            Totals = totals.Build(null, null),
            Rows = list,
        };
    }

    /// <summary>Counts and revenue of one site report row (or of the totals) while they are added up.</summary>
    private sealed class SiteRowBuilder
    {
        public long[] Counts { get; } = new long[Columns];

        public SortedDictionary<string, decimal> Revenue { get; } = new(StringComparer.Ordinal);

        public void Add(SiteRowBuilder other)
        {
            for (var i = 0; i < Columns; i++)
            {
                Counts[i] += other.Counts[i];
            }

            foreach (var (currency, amount) in other.Revenue)
            {
                Revenue[currency] = Revenue.GetValueOrDefault(currency) + amount;
            }
        }

        public SiteReportRow Build(string? time, string? placement)
        {
            var counts = new SiteCounts
            {
                Requested = Counts[RequestedColumn],
                Filled = Counts[FilledColumn],
                Impressions = Counts[1],
                Viewable = Counts[2],
                Clicks = Counts[3],
                Revenue = Revenue.Count == 1 ? Revenue.Values.Single() : null,
                Currency = Revenue.Count == 1 ? Revenue.Keys.Single() : null,
                RevenueByCurrency = Revenue.Count > 1 ? new Dictionary<string, decimal>(Revenue, StringComparer.Ordinal) : null,
            };
            return new SiteReportRow
            {
                Time = time ?? "",
                Placement = placement ?? "",
                Requested = counts.Requested,
                Filled = counts.Filled,
                Impressions = counts.Impressions,
                Viewable = counts.Viewable,
                Clicks = counts.Clicks,
                Revenue = counts.Revenue,
                Currency = counts.Currency,
                RevenueByCurrency = counts.RevenueByCurrency,
            };
        }
    }

    /// <summary>
    /// Prices <paramref name="rows"/> (each a local day or hour with its counts) at the campaign's rate: one rounding
    /// of the exact total to the cent, split over the rows by largest remainder so the rows add up to it. A flat rate
    /// gives each flight day in the range its share of the amount, split over that day's rows by impressions; a flight
    /// day without any row gets a row of its own (no creative or placement). <c>(null, null)</c> without a rate.
    /// </summary>
    private static (decimal?[]? Rows, decimal? Total) Price(Campaign campaign, TimeZoneInfo zone, DateOnly from, DateOnly to, List<(DateTime Bucket, string? Creative, string? Placement, ReportCounts Counts)> rows)
    {
        if (campaign.Rate is not { } rate)
        {
            return (null, null);
        }

        if (CatalogNames.ParseRateModel(rate.Model) != RateModel.Flat)
        {
            var exact = rows.Select(r => Money.Exact(rate, r.Counts.Impressions, r.Counts.Clicks)).ToArray();
            var total = Money.Round(exact.Sum());
            return ([.. Money.Allocate(total, exact).Select(s => (decimal?)s)], total);
        }

        var (first, perDay) = Money.FlatDays(rate.Amount, campaign.Start!.Value, campaign.End!.Value, zone);
        var spends = new decimal?[rows.Count];
        var flat = 0m;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var index = day.DayNumber - first.DayNumber;
            if (index < 0 || index >= perDay.Length)
            {
                continue;
            }

            flat += perDay[index];
            var ofDay = Enumerable.Range(0, rows.Count).Where(i => DateOnly.FromDateTime(rows[i].Bucket) == day).ToArray();
            if (ofDay.Length == 0)
            {
                rows.Add((day.ToDateTime(TimeOnly.MinValue), null, null, new ReportCounts()));
                Array.Resize(ref spends, rows.Count);
                spends[^1] = perDay[index];
                continue;
            }

            var parts = Money.Allocate(perDay[index], [.. ofDay.Select(i => (decimal)rows[i].Counts.Impressions)]);
            for (var j = 0; j < ofDay.Length; j++)
            {
                spends[ofDay[j]] = parts[j];
            }
        }

        // Rows outside the flight cost nothing; the added flight-day rows go to their place in time.
        for (var i = 0; i < spends.Length; i++)
        {
            spends[i] ??= 0m;
        }

        var order = Enumerable.Range(0, rows.Count).OrderBy(i => rows[i].Bucket).ThenBy(i => rows[i].Creative ?? "", StringComparer.Ordinal).ThenBy(i => rows[i].Placement ?? "", StringComparer.Ordinal).ToArray();
        var sortedRows = order.Select(i => rows[i]).ToList();
        var sortedSpends = order.Select(i => spends[i]).ToArray();
        rows.Clear();
        rows.AddRange(sortedRows);
        return (sortedSpends, flat);
    }

    /// <summary>Distinct viewers of <paramref name="campaigns"/> with a counted impression on a day of the range.</summary>
    private async Task<long> ReachAsync(IReadOnlyList<string> campaigns, DateOnly from, DateOnly to)
    {
        var keys = new List<RedisKey>();
        foreach (var campaign in campaigns)
        {
            for (var day = from; day <= to; day = day.AddDays(1))
            {
                keys.Add(_keys.Reach(campaign, day));
            }
        }

        if (keys.Count == 0)
        {
            return 0;
        }

        var db = _redis.Database;
        if (campaigns.Count == 1)
        {
            // One campaign's days share its hash tag: PFCOUNT merges them where they are.
            return await db.HyperLogLogLengthAsync([.. keys]).ConfigureAwait(false);
        }

        // Several campaigns live in different slots (Redis Cluster): copy their days' sketches under one tag, count the
        // union, and drop the copies.
        var values = await Task.WhenAll(keys.Select(k => db.StringGetAsync(k))).ConfigureAwait(false);
        var tag = Guid.NewGuid().ToString("N");
        var copies = new List<RedisKey>();
        var writes = new List<Task>();
        foreach (var value in values.Where(v => !v.IsNull))
        {
            var copy = _keys.ReachUnion(tag, copies.Count);
            copies.Add(copy);
            writes.Add(db.StringSetAsync(copy, value, TimeSpan.FromMinutes(1)));
        }

        if (copies.Count == 0)
        {
            return 0;
        }

        await Task.WhenAll(writes).ConfigureAwait(false);
        try
        {
            return await db.HyperLogLogLengthAsync([.. copies]).ConfigureAwait(false);
        }
        finally
        {
            await db.KeyDeleteAsync([.. copies]).ConfigureAwait(false);
        }
    }

    /// <summary>Counter cells of a campaign on the local days <paramref name="from"/> to <paramref name="to"/>, from its daily hashes.</summary>
    private async Task<List<(DateTime Day, string Placement, string Creative, int Kind, long Count)>> ReadDailyAsync(string campaign, DateOnly from, DateOnly to)
    {
        var db = _redis.Database;
        var reads = new List<Task<HashEntry[]>>();
        for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
        {
            reads.Add(db.HashGetAllAsync(_keys.DailyCounters(campaign, (month.Year * 100) + month.Month)));
        }

        var cells = new List<(DateTime, string, string, int, long)>();
        foreach (var entries in await Task.WhenAll(reads).ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                var parts = entry.Name.ToString().Split('|');
                if (parts.Length == 4 && DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                    && day >= from && day <= to && Column(parts[3]) is var kind and >= 0 && entry.Value.TryParse(out long count))
                {
                    cells.Add((day.ToDateTime(TimeOnly.MinValue), parts[1], parts[2], kind, count));
                }
            }
        }

        return cells;
    }

    /// <summary>Counter cells of a campaign by local hour between the start of <paramref name="from"/> and the end of <paramref name="to"/> in <paramref name="zone"/>.</summary>
    private async Task<List<(DateTime Hour, string Placement, string Creative, int Kind, long Count)>> ReadHourlyAsync(string campaign, TimeZoneInfo zone, DateOnly from, DateOnly to)
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

        // The local hour of each UTC hour, converted once per hour rather than once per cell.
        var locals = new Dictionary<long, DateTime>();
        var cells = new List<(DateTime, string, string, int, long)>();
        foreach (var entries in await Task.WhenAll(reads).ConfigureAwait(false))
        {
            foreach (var entry in entries)
            {
                var parts = entry.Name.ToString().Split('|');
                if (parts.Length == 4 && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var hour)
                    && hour >= firstHour && hour < endHour && Column(parts[3]) is var kind and >= 0 && entry.Value.TryParse(out long count))
                {
                    if (!locals.TryGetValue(hour, out var local))
                    {
                        var at = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(hour * 3600), zone).DateTime;
                        locals[hour] = local = new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0);
                    }

                    cells.Add((local, parts[1], parts[2], kind, count));
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
        "r" => RequestedColumn,
        "f" => FilledColumn,
        _ => -1,
    };

    private static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string FormatHour(DateTime local, TimeZoneInfo zone) =>
        new DateTimeOffset(local, zone.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
