using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    private readonly CounterCompactor _compactor;

    public ReportService(RedisConnection redis, CounterKeys keys, IOptions<RetentionOptions> retention, CounterCompactor compactor)
    {
        _redis = redis;
        _keys = keys;
        _retention = retention.Value;
        _compactor = compactor;
    }

    public bool IsAvailable => _redis.IsConnected;

    /// <summary>How many days back hourly detail is kept (today counts as the first).</summary>
    public int HourlyDays => Math.Max(1, (int)_retention.HourlyRetention.TotalDays);

    public async Task<CampaignReport> CampaignAsync(CompiledCampaign campaign, TimeZoneInfo zone, DateOnly from, DateOnly to, bool hourly)
    {
        var cellsTask = hourly ? ReadHourlyAsync(campaign.Id, zone, from, to) : ReadDailyAsync(campaign.Id, from, to);
        var reachTask = ReachAsync([campaign.Id], from, to);
        var cells = await cellsTask.ConfigureAwait(false);
        var ordered = cells.Ordered();
        var (spends, total) = Price(campaign.Source, zone, from, to, ordered);
        var list = new CampaignRowList(ordered, spends, cells, hourly, zone);

        return new CampaignReport
        {
            CampaignId = campaign.Id,
            From = Format(from),
            To = Format(to),
            Granularity = hourly ? "hour" : "day",
            TimeZone = zone.Id,
            Totals = new ReportTotals(ReportCounts.From(cells.Total()))
            {
                Spend = total,
                Currency = total is null ? null : campaign.Source.Rate!.Currency,
                Reach = await reachTask.ConfigureAwait(false),
            },
            Rows = list,
        };
    }

    /// <summary>
    /// A campaign report's rows, made as they are read (written to JSON or CSV): a long report has hundreds of thousands,
    /// and holding each as an object until the last is written cost more in garbage collection than writing them.
    /// </summary>
    internal sealed class CampaignRowList(List<PricedRow> rows, decimal?[]? spends, CellReader cells, bool hourly, TimeZoneInfo zone) : IReadOnlyList<CampaignReportRow>, IDisposable
    {
        private static readonly long[] s_none = new long[Columns];
        private readonly System.Collections.Concurrent.ConcurrentDictionary<DateTime, string> _times = [];

        public int Count => rows.Count;

        public CampaignReportRow this[int index]
        {
            get
            {
                var counts = Get(index, out var time, out var creative, out var placement, out var spend);
                return new CampaignReportRow(counts) { Time = time, CreativeId = creative, Placement = placement, Spend = spend };
            }
        }

        /// <summary>
        /// A row's parts without making it (<see cref="CampaignReportJson"/> writes them as they are): its counts as
        /// <see cref="ReportCounts.From"/> reads them. Safe to call from several threads at once.
        /// </summary>
        public ReadOnlySpan<long> Get(int index, out string time, out string? creative, out string? placement, out decimal? spend)
        {
            var row = rows[index];
            time = _times.GetOrAdd(row.Bucket, static (bucket, list) => list.hourly ? FormatHour(bucket, list.zone) : Format(DateOnly.FromDateTime(bucket)), (hourly, zone));

            (creative, placement, spend) = (row.Creative, row.Placement, spends?[index]);
            return row.Cells >= 0 ? cells.Counts(row.Cells) : s_none;
        }

        public IEnumerator<CampaignReportRow> GetEnumerator()
        {
            for (var i = 0; i < rows.Count; i++)
            {
                yield return this[i];
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Gives the read's rented arrays back, once the rows are written (a list not disposed leaves them to the collector).</summary>
        public void Dispose() => cells.Dispose();
    }

    /// <summary>A row to price: its time, creative and placement, the counts it is priced by, and its counts' index in the read (-1 for none).</summary>
    internal readonly record struct PricedRow(DateTime Bucket, string? Creative, string? Placement, long Impressions, long Clicks, int Cells);

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
            var cells = await reads[i].Cells.ConfigureAwait(false);
            foreach (var (key, row) in cells.Rows)
            {
                if (!byDay.TryGetValue(key.Bucket, out var dayCounts))
                {
                    byDay[key.Bucket] = dayCounts = new long[Columns];
                }

                Add(dayCounts, cells.Counts(row));
            }

            var days = byDay.OrderBy(d => d.Key).Select(d => new PricedRow(d.Key, null, null, d.Value[1], d.Value[3], -1)).ToList();
            var (_, spend) = Price(campaign.Source, zone, from, to, days);
            rows.Add(new AdvertiserReportRow(ReportCounts.From(cells.Total()))
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

        var inventoryCells = await inventory.ConfigureAwait(false);
        foreach (var (key, row) in inventoryCells.Rows)
        {
            Add(Row(key.Bucket, key.Placement).Counts, inventoryCells.Counts(row));
        }

        for (var i = 0; i < campaigns.Length; i++)
        {
            // The campaign is priced over all its placements, as its own report prices it (a flat rate's day is shared by
            // every placement and site it serves); this site takes the rows of its placements.
            var cells = new Dictionary<(DateTime, string), long[]>();
            var read = await reads[i].ConfigureAwait(false);
            foreach (var (key, row) in read.Rows)
            {
                var counts = read.Counts(row);
                if (!cells.TryGetValue((key.Bucket, key.Placement), out var sum))
                {
                    cells[(key.Bucket, key.Placement)] = sum = new long[Columns];
                }

                Add(sum, counts);
                if (placements.Contains(key.Placement))
                {
                    Add(Row(key.Bucket, key.Placement).Counts, counts);
                }
            }

            var priced = cells.OrderBy(c => c.Key.Item1).ThenBy(c => c.Key.Item2, StringComparer.Ordinal)
                .Select(c => new PricedRow(c.Key.Item1, null, c.Key.Item2, c.Value[1], c.Value[3], -1)).ToList();
            var (spends, _) = Price(campaigns[i].Source, snapshot.ZoneOf(campaigns[i]), from, to, priced);
            if (spends is null || campaigns[i].Source.Rate is not { } rate)
            {
                continue;
            }

            for (var j = 0; j < priced.Count; j++)
            {
                // A flat rate's flight day without any count to share it by goes to the campaign's first placement (its
                // home site, whose days it counts in), so that the sites' revenue adds up to the campaign's spend.
                var placement = priced[j].Placement ?? campaigns[i].Source.Placements[0];
                if (placements.Contains(placement) && spends[j] is { } spend && spend != 0)
                {
                    var row = Row(priced[j].Bucket, placement);
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

    private static void Add(long[] sum, ReadOnlySpan<long> counts)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            sum[i] += counts[i];
        }
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (decimal?[]? Rows, decimal? Total) Price(Campaign campaign, TimeZoneInfo zone, DateOnly from, DateOnly to, List<PricedRow> rows)
    {
        if (campaign.Rate is not { } rate)
        {
            return (null, null);
        }

        var model = CatalogNames.ParseRateModel(rate.Model);
        if (model != RateModel.Flat)
        {
            // Each row's exact spend is the rate times its impressions (cpm) or clicks (cpc): the rows' shares of the
            // rounded total are in proportion to those counts.
            var counts = new long[rows.Count];
            var (impressions, clicks) = (0L, 0L);
            for (var i = 0; i < counts.Length; i++)
            {
                var row = rows[i];
                (impressions, clicks) = (impressions + row.Impressions, clicks + row.Clicks);
                counts[i] = model == RateModel.Cpm ? row.Impressions : row.Clicks;
            }

            var total = Money.Round(Money.Exact(rate, impressions, clicks));
            var parts = Money.AllocateByCounts(total, counts);
            var spends = new decimal?[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                spends[i] = parts[i];
            }

            return (spends, total);
        }

        return PriceFlat(rate, campaign.Start!.Value, campaign.End!.Value, zone, from, to, rows);
    }

    /// <summary>A flat rate: each flight day in the range takes its share of the amount, split over that day's rows by impressions.</summary>
    private static (decimal?[] Rows, decimal Total) PriceFlat(CampaignRate rate, DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone, DateOnly from, DateOnly to, List<PricedRow> rows)
    {
        var (first, perDay) = Money.FlatDays(rate.Amount, start, end, zone);
        var byDay = new Dictionary<DateOnly, List<int>>();
        for (var i = 0; i < rows.Count; i++)
        {
            var day = DateOnly.FromDateTime(rows[i].Bucket);
            if (!byDay.TryGetValue(day, out var ofDay))
            {
                byDay[day] = ofDay = [];
            }

            ofDay.Add(i);
        }

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
            if (!byDay.TryGetValue(day, out var ofDay))
            {
                rows.Add(new PricedRow(day.ToDateTime(TimeOnly.MinValue), null, null, 0, 0, -1));
                Array.Resize(ref spends, rows.Count);
                spends[^1] = perDay[index];
                continue;
            }

            var parts = Money.AllocateByCounts(perDay[index], [.. ofDay.Select(i => rows[i].Impressions)]);
            for (var j = 0; j < ofDay.Count; j++)
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
    private async Task<CellReader> ReadDailyAsync(string campaign, DateOnly from, DateOnly to)
    {
        var db = _redis.Database;
        var group = GroupOf(campaign);
        var reads = new List<Task<HashEntry[]>>();
        for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
        {
            // Both layouts: the campaign's own month (counts written before the counting groups, and by older tokens) and
            // its fields in its group's month.
            reads.Add(db.HashGetAllAsync(_keys.DailyCounters(campaign, (month.Year * 100) + month.Month)));
            reads.Add(ReadGroupMonthAsync(group, campaign, month, from, to));
        }

        // Each month's cells are parsed as soon as it arrives, while Redis still sends the later ones.
        var (first, last) = (from.ToDateTime(TimeOnly.MinValue), to.ToDateTime(TimeOnly.MinValue));
        var cells = new CellReader(yyyymmdd => ParseDay(yyyymmdd, out var day) && day >= first && day <= last ? day : DateTime.MinValue);
        foreach (var read in reads)
        {
            cells.AddFields(await read.ConfigureAwait(false));
        }

        return cells;
    }

    /// <summary>Counter cells of a campaign by local hour between the start of <paramref name="from"/> and the end of <paramref name="to"/> in <paramref name="zone"/>.</summary>
    private async Task<CellReader> ReadHourlyAsync(string campaign, TimeZoneInfo zone, DateOnly from, DateOnly to)
    {
        var startUtc = TimeZoneInfo.ConvertTimeToUtc(from.ToDateTime(TimeOnly.MinValue), zone);
        var endUtc = TimeZoneInfo.ConvertTimeToUtc(to.AddDays(1).ToDateTime(TimeOnly.MinValue), zone);
        var firstHour = new DateTimeOffset(startUtc).ToUnixTimeSeconds() / 3600;
        var endHour = (new DateTimeOffset(endUtc).ToUnixTimeSeconds() + 3599) / 3600;
        // A day's counts are in up to three places (docs/redis.md, "Packed days"): packed (a closed day), in a hash being
        // packed, and in the day's hash (an open day, or counts that came after the packing). All three are read.
        var db = _redis.Database;
        var group = GroupOf(campaign);
        var (firstDay, lastDay) = (firstHour / 24, (endHour - 1) / 24);

        // A UTC day's hours fall on local days from the day before to the day after it, whatever the zone: the cells of the
        // campaign in those days' months (their indexes) name its fields in the group's day hash.
        var indexes = new Dictionary<int, Task<RedisValue>>();
        for (var day = firstDay - 1; day <= lastDay + 1; day++)
        {
            var month = MonthOf(day);
            if (!indexes.ContainsKey(month))
            {
                indexes[month] = db.HashGetAsync(_keys.GroupDailyIndex(group, month), campaign);
            }
        }

        async Task<string[]> CellsOfDay(long day)
        {
            var cells = new HashSet<string>(StringComparer.Ordinal);
            foreach (var month in new[] { MonthOf(day - 1), MonthOf(day), MonthOf(day + 1) }.Distinct())
            {
                cells.UnionWith(Cells(await indexes[month].ConfigureAwait(false)));
            }

            return [.. cells];
        }

        var reads = new List<(long Day, Task<Lease<byte>?> Packed, Task<HashEntry[]> Packing, Task<HashEntry[]> Open, Task<HashEntry[]> Group, Task<Lease<byte>?> GroupPacked, Task<HashEntry[]> GroupPacking)>();
        for (var day = firstDay; day <= lastDay; day++)
        {
            // And the same three places in the campaign's counting group (docs/redis.md, "Counting groups").
            var cellsOfDay = CellsOfDay(day);
            reads.Add((
                day,
                db.StringGetLeaseAsync(_keys.Packed(campaign, day)),
                db.HashGetAllAsync(_keys.Packing(campaign, day)),
                db.HashGetAllAsync(_keys.Counters(campaign, day)),
                ReadGroupDayAsync(_keys.GroupCounters(group, day), campaign, day, cellsOfDay),
                db.StringGetLeaseAsync(_keys.GroupPacked(group, campaign, day)),
                ReadGroupDayAsync(_keys.GroupPacking(group, day), campaign, day, cellsOfDay)));
        }

        // Every UTC hour is placed in the local hour it starts in. The rows are counted before they are read, so that a
        // long report's arrays are made once at their size rather than grown (and copied) a dozen times.
        var cells = new CellReader(hour => hour >= firstHour && hour < endHour ? LocalHour(hour, zone) : DateTime.MinValue);
        await Task.WhenAll(reads.SelectMany(r => new Task[] { r.Packed, r.Packing, r.Open, r.Group, r.GroupPacked, r.GroupPacking })).ConfigureAwait(false);
        var expected = 0;
        foreach (var (_, packed, packing, open, inGroup, groupPacked, groupPacking) in reads)
        {
            expected += (packed.Result?.Span.Count((byte)'\n') ?? 0) + (groupPacked.Result?.Span.Count((byte)'\n') ?? 0)
                + ((packing.Result.Length + open.Result.Length + inGroup.Result.Length + groupPacking.Result.Length) / 4);
        }

        cells.Expect(expected);
        foreach (var (day, packed, packing, open, inGroup, groupPacked, groupPacking) in reads)
        {
            using (var text = groupPacked.Result)
            {
                if (text is not null)
                {
                    cells.AddPacked(text.Span);
                }
            }

            cells.AddFields(groupPacking.Result);
            cells.AddFields(inGroup.Result);
            if (inGroup.Result.Length > 0)
            {
                _compactor.Request(CounterGroups.Owner(group), day);
            }

            using (var text = packed.Result)
            {
                if (text is not null)
                {
                    cells.AddPacked(text.Span);
                }
            }

            cells.AddFields(packing.Result);
            var fields = open.Result;
            cells.AddFields(fields);
            if (fields.Length > 0)
            {
                // A closed day still in its hash (not packed yet, or a late count): packed for the next report.
                _compactor.Request(campaign, day);
            }
        }

        return cells;
    }

    /// <summary>The counting group of a batch owner: a campaign's, or for a site's inventory (<c>@SITE</c>) the site's.</summary>
    private static int GroupOf(string owner) => CounterGroups.Of(EventAggregate.SiteOf(owner) ?? owner);

    /// <summary>The site-local month (<c>YYYYMM</c>) of the date a UTC day starts on (days since the Unix epoch).</summary>
    private static int MonthOf(long utcDay)
    {
        var date = DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(utcDay));
        return (date.Year * 100) + date.Month;
    }

    /// <summary>An owner's cells as its group's month index lists them (<c>PLACEMENT|CREATIVE|KIND</c>, space separated).</summary>
    private static string[] Cells(RedisValue index) =>
        index.IsNullOrEmpty ? [] : ((string)index!).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// An owner's fields in its group's month between <paramref name="from"/> and <paramref name="to"/>, named as in the
    /// owner's own month hash: the month's index lists its cells, and each day of the range in the month with each cell is
    /// read by name (docs/redis.md, "Counting groups": what a report reads), not by walking the group's hash.
    /// </summary>
    private async Task<HashEntry[]> ReadGroupMonthAsync(int group, string owner, DateOnly month, DateOnly from, DateOnly to)
    {
        var yyyymm = (month.Year * 100) + month.Month;
        var cells = Cells(await _redis.Database.HashGetAsync(_keys.GroupDailyIndex(group, yyyymm), owner).ConfigureAwait(false));
        var (first, last) = (from > month ? from : month, to < month.AddMonths(1).AddDays(-1) ? to : month.AddMonths(1).AddDays(-1));
        var names = new List<string>();
        for (var day = first; day <= last && cells.Length > 0; day = day.AddDays(1))
        {
            var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var cell in cells)
            {
                names.Add(date + "|" + cell);
            }
        }

        return await ReadFieldsAsync(_keys.GroupDailyCounters(group, yyyymm), owner, names).ConfigureAwait(false);
    }

    /// <summary>
    /// An owner's fields in a group's hash of a UTC day (open, or being packed), named as in the owner's own day hash: each
    /// hour of the day with each of the owner's cells, when the hash exists.
    /// </summary>
    private async Task<HashEntry[]> ReadGroupDayAsync(RedisKey key, string owner, long utcDay, Task<string[]> cellsOfDay)
    {
        var cells = await cellsOfDay.ConfigureAwait(false);
        if (cells.Length == 0 || !await _redis.Database.KeyExistsAsync(key).ConfigureAwait(false))
        {
            return [];
        }

        var names = new List<string>(24 * cells.Length);
        for (var hour = utcDay * 24; hour < (utcDay + 1) * 24; hour++)
        {
            var prefix = hour.ToString(CultureInfo.InvariantCulture) + "|";
            foreach (var cell in cells)
            {
                names.Add(prefix + cell);
            }
        }

        return await ReadFieldsAsync(key, owner, names).ConfigureAwait(false);
    }

    /// <summary>The fields <c>OWNER|NAME</c> of a group's hash that exist, as <c>NAME</c>: <c>HMGET</c> 5,000 names a call.</summary>
    private async Task<HashEntry[]> ReadFieldsAsync(RedisKey key, string owner, List<string> names)
    {
        const int Chunk = 5_000;
        var prefix = owner + "|";
        var reads = new List<Task<RedisValue[]>>();
        for (var start = 0; start < names.Count; start += Chunk)
        {
            var part = new RedisValue[Math.Min(Chunk, names.Count - start)];
            for (var i = 0; i < part.Length; i++)
            {
                part[i] = prefix + names[start + i];
            }

            reads.Add(_redis.Database.HashGetAsync(key, part));
        }

        var entries = new List<HashEntry>();
        for (var c = 0; c < reads.Count; c++)
        {
            var values = await reads[c].ConfigureAwait(false);
            for (var i = 0; i < values.Length; i++)
            {
                if (!values[i].IsNull)
                {
                    entries.Add(new HashEntry(names[(c * Chunk) + i], values[i]));
                }
            }
        }

        return [.. entries];
    }

    /// <summary>
    /// Reads counter fields and packed days into rows (a time, creative and placement, with their counts). Times and ids
    /// are interned once per report as small numbers, so a row's key is one number: a report's hundreds of thousands of
    /// rows are found with a lookup of a number, not of a text. (Optimised from the first call: a report is rare.)
    /// </summary>
    internal sealed class CellReader : IDisposable
    {
        private const int IdBits = 21;
        private const long IdMask = (1L << IdBits) - 1;

        private readonly Names _names = new();
        private readonly Dictionary<long, int> _timeIds = [];
        private readonly List<DateTime> _buckets = []; // by time id; DateTime.MinValue: outside the range
        private readonly Func<long, DateTime> _bucketOf;
        private readonly Dictionary<long, int> _fieldRows = []; // rows made from counter fields, by key (a row's fields come one by one)
        // Rented (a long report's are megabytes: new ones each report made the collector run a full collection for
        // them); given back by Dispose, after the report is written.
        private long[] _keys = System.Buffers.ArrayPool<long>.Shared.Rent(64);
        private long[] _counts = System.Buffers.ArrayPool<long>.Shared.Rent(Columns * 64);
        private int _count;
        private int[] _partIds = new int[16];
        private long _lastTime = -1;
        private int _lastTimeId;

        /// <param name="bucketOf">The local day or hour of a counter's time (an hour's number, or a day as <c>yyyyMMdd</c>); <see cref="DateTime.MinValue"/> for one outside the range.</param>
        public CellReader(Func<long, DateTime> bucketOf) => _bucketOf = bucketOf;

        /// <summary>
        /// The rows by time, creative and placement, each with the index of its counts. A row may come more than once
        /// (a packed day's later part, or a count that came after the packing): readers add them up.
        /// </summary>
        public IEnumerable<KeyValuePair<RowKey, int>> Rows
        {
            get
            {
                for (var i = 0; i < _count; i++)
                {
                    yield return new KeyValuePair<RowKey, int>(KeyOf(_keys[i]), i);
                }
            }
        }

        /// <summary>The counts of a row (<see cref="Columns"/> of them), by its index.</summary>
        public Span<long> Counts(int row) => _counts.AsSpan(row * Columns, Columns);

        /// <summary>The counts of all rows added up.</summary>
        public long[] Total()
        {
            var total = new long[Columns];
            var counts = _counts.AsSpan(0, _count * Columns);
            for (var i = 0; i < counts.Length; i++)
            {
                total[i % Columns] += counts[i];
            }

            return total;
        }

        /// <summary>Makes room for <paramref name="rows"/> more rows (at least: doubling, so that asking often stays cheap).</summary>
        public void Expect(int rows)
        {
            var needed = _count + rows;
            if (needed > _keys.Length || needed * Columns > _counts.Length)
            {
                var size = Math.Max(needed, _keys.Length * 2);
                _keys = Grow(_keys, _count, size);
                _counts = Grow(_counts, _count * Columns, size * Columns);
            }
        }

        /// <summary>Gives the rented arrays back.</summary>
        public void Dispose()
        {
            var (keys, counts) = (_keys, _counts);
            (_keys, _counts, _count) = ([], [], 0);
            if (keys.Length > 0)
            {
                System.Buffers.ArrayPool<long>.Shared.Return(keys);
                System.Buffers.ArrayPool<long>.Shared.Return(counts);
            }
        }

        private static long[] Grow(long[] array, int used, int size)
        {
            var larger = System.Buffers.ArrayPool<long>.Shared.Rent(size);
            array.AsSpan(0, used).CopyTo(larger);
            System.Buffers.ArrayPool<long>.Shared.Return(array);
            return larger;
        }

        /// <summary>Adds counter fields (<c>TIME|PLACEMENT|CREATIVE|KIND</c>, a count each).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddFields(HashEntry[] entries)
        {
            foreach (var entry in entries)
            {
                if (Parse(entry, out var time, out var placement, out var creative, out var kind, out var count) && TimeId(time) is var timeId && timeId >= 0)
                {
                    var key = Key(timeId, _names.Of(creative), _names.Of(placement));
                    ref var row = ref CollectionsMarshal.GetValueRefOrAddDefault(_fieldRows, key, out var exists);
                    if (!exists)
                    {
                        row = Append(key);
                    }

                    Counts(row)[kind] += count;
                }
            }
        }

        /// <summary>Adds a packed day (<see cref="PackedCounters"/>): a row per line, its ids by number, no lookup.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddPacked(ReadOnlySpan<byte> packed)
        {
            var parts = 0;
            var reader = new PackedCounters.Reader(packed);
            while (reader.Next(out var header, out var text, out var placement, out var creative))
            {
                if (header)
                {
                    // A part's ids: numbered as this read numbers them.
                    parts = 0;
                    foreach (var range in text.Split((byte)'|'))
                    {
                        if (parts == _partIds.Length)
                        {
                            Array.Resize(ref _partIds, parts * 2);
                        }

                        _partIds[parts++] = _names.Of(text[range]);
                    }

                    continue;
                }

                if (placement >= parts || creative >= parts || !ParseTime(text, out var value) || TimeId(value) is var timeId && timeId < 0)
                {
                    continue;
                }

                var row = -1;
                while (reader.NextCount(out var kind, out var count))
                {
                    var column = Column(kind);
                    if (column >= 0)
                    {
                        if (row < 0)
                        {
                            row = Append(Key(timeId, _partIds[creative], _partIds[placement]));
                        }

                        _counts[(row * Columns) + column] += count;
                    }
                }
            }
        }

        private static long Key(int time, int creative, int placement) => ((long)time << (2 * IdBits)) | ((long)creative << IdBits) | (long)placement;

        private int Append(long key)
        {
            Expect(1);
            _keys[_count] = key;
            Counts(_count).Clear(); // a rented array holds what its last user left
            return _count++;
        }

        /// <summary>The id of a counter's time, its bucket worked out once; -1 for a time outside the range.</summary>
        private int TimeId(long time)
        {
            if (time == _lastTime)
            {
                return _lastTimeId;
            }

            if (!_timeIds.TryGetValue(time, out var id))
            {
                var bucket = _bucketOf(time);
                id = bucket == DateTime.MinValue ? -1 : _buckets.Count;
                if (id >= 0)
                {
                    _buckets.Add(bucket);
                }

                _timeIds[time] = id;
            }

            (_lastTime, _lastTimeId) = (time, id);
            return id;
        }

        private RowKey KeyOf(long key) => new(_buckets[(int)(key >> (2 * IdBits))], _names[(int)((key >> IdBits) & IdMask)], _names[(int)(key & IdMask)]);

        /// <summary>
        /// The rows ordered by time, creative and placement: each row's order as one number (its time's rank among the
        /// read's times, its creative's and its placement's among its ids), sorted as numbers. Rows whose times fall in
        /// the same bucket (two UTC hours in one local hour, where clocks go back) are added together.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public List<PricedRow> Ordered()
        {
            var timeRanks = Ranks(_buckets, Comparer<DateTime>.Default, out var timeCount);
            var nameRanks = Ranks(_names.All, StringComparer.Ordinal, out _);
            var keys = System.Buffers.ArrayPool<long>.Shared.Rent(_count);
            var rows = System.Buffers.ArrayPool<int>.Shared.Rent(_count);
            for (var i = 0; i < _count; i++)
            {
                var key = _keys[i];
                keys[i] = ((long)timeRanks[(int)(key >> (2 * IdBits))] << (2 * IdBits)) | ((long)nameRanks[(int)((key >> IdBits) & IdMask)] << IdBits) | (long)nameRanks[(int)(key & IdMask)];
                rows[i] = i;
            }

            Array.Sort(keys, rows, 0, _count);
            var buckets = new DateTime[timeCount];
            var names = new string[_names.All.Count];
            for (var t = 0; t < _buckets.Count; t++)
            {
                buckets[timeRanks[t]] = _buckets[t];
            }

            for (var n = 0; n < names.Length; n++)
            {
                names[nameRanks[n]] = _names.All[n];
            }

            var ordered = new List<PricedRow>(_count);
            for (var j = 0; j < _count; j++)
            {
                var counts = Counts(rows[j]);
                if (j > 0 && keys[j] == keys[j - 1])
                {
                    // The same row twice (a packed day's later part, a count after the packing, or two UTC hours in one
                    // local hour where clocks go back): the counts go to the row before.
                    var earlier = ordered[^1];
                    var into = Counts(earlier.Cells);
                    for (var c = 0; c < Columns; c++)
                    {
                        into[c] += counts[c];
                    }

                    counts.Clear(); // moved, not copied: the read's total stays what it was

                    ordered[^1] = earlier with { Impressions = into[1], Clicks = into[3] };
                    continue;
                }

                ordered.Add(new PricedRow(buckets[(int)(keys[j] >> (2 * IdBits))], names[(int)((keys[j] >> IdBits) & IdMask)], names[(int)(keys[j] & IdMask)], counts[1], counts[3], rows[j]));
            }

            System.Buffers.ArrayPool<long>.Shared.Return(keys);
            System.Buffers.ArrayPool<int>.Shared.Return(rows);
            return ordered;
        }

        /// <summary>The rank of each item in order (equal items share a rank), and how many distinct ranks there are.</summary>
        private static int[] Ranks<T>(IReadOnlyList<T> items, IComparer<T> comparer, out int distinct)
        {
            var order = Enumerable.Range(0, items.Count).ToArray();
            Array.Sort(order, (a, b) => comparer.Compare(items[a], items[b]));
            var ranks = new int[items.Count];
            distinct = 0;
            for (var i = 0; i < order.Length; i++)
            {
                if (i > 0 && comparer.Compare(items[order[i]], items[order[i - 1]]) != 0)
                {
                    distinct++;
                }

                ranks[order[i]] = distinct;
            }

            distinct = items.Count == 0 ? 0 : distinct + 1;
            return ranks;
        }
    }

    /// <summary>A row of one read: its local day or hour, creative and placement (interned by the read).</summary>
    internal readonly record struct RowKey(DateTime Bucket, string Creative, string Placement);

    /// <summary>
    /// Parses a counter field <c>TIME|PLACEMENT|CREATIVE|KIND</c> and its count without a string per part: the time as a
    /// number (an hour; a daily field's <c>yyyy-MM-dd</c> as <c>yyyyMMdd</c>), the ids as UTF-8.
    /// A long report reads hundreds of thousands of fields.
    /// </summary>
    private static bool Parse(HashEntry entry, out long time, out ReadOnlySpan<byte> placement, out ReadOnlySpan<byte> creative, out int kind, out long count)
    {
        (time, kind) = (0, -1);
        placement = creative = default;
        var field = ((ReadOnlyMemory<byte>)entry.Name).Span;
        var first = field.IndexOf((byte)'|');
        if (first <= 0 || !entry.Value.TryParse(out count))
        {
            count = 0;
            return false;
        }

        var rest = field[(first + 1)..];
        var second = rest.IndexOf((byte)'|');
        var third = second < 0 ? -1 : rest[(second + 1)..].IndexOf((byte)'|');
        if (third < 0 || !ParseTime(field[..first], out time))
        {
            return false;
        }

        placement = rest[..second];
        creative = rest.Slice(second + 1, third);
        kind = Column(rest[(second + 1 + third + 1)..]);
        return kind >= 0;
    }

    /// <summary>A counter's time: an hour's number, or a day's <c>yyyy-MM-dd</c> as <c>yyyyMMdd</c>.</summary>
    private static bool ParseTime(ReadOnlySpan<byte> text, out long time)
    {
        time = 0;
        foreach (var b in text)
        {
            if (b is >= (byte)'0' and <= (byte)'9')
            {
                time = (time * 10) + (b - '0');
            }
            else if (b != '-')
            {
                return false;
            }
        }

        return !text.IsEmpty;
    }

    private static bool ParseDay(long yyyymmdd, out DateTime day)
    {
        var (year, month, date) = ((int)(yyyymmdd / 10_000), (int)(yyyymmdd / 100 % 100), (int)(yyyymmdd % 100));
        day = year is >= 1 and <= 9999 && month is >= 1 and <= 12 && date >= 1 && date <= DateTime.DaysInMonth(year, month) ? new DateTime(year, month, date) : DateTime.MinValue;
        return day != DateTime.MinValue;
    }

    /// <summary>The local hour a UTC hour (its number since 1970) starts in.</summary>
    private static DateTime LocalHour(long hour, TimeZoneInfo zone)
    {
        var at = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(hour * 3600), zone).DateTime;
        return new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0);
    }

    /// <summary>Ids as strings, one instance per id (rows are then keyed by reference).</summary>
    private sealed class Names
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<string> _all = [];

        /// <summary>Every id seen, by its number.</summary>
        public List<string> All => _all;

        public string this[int id] => _all[id];

        /// <summary>The number of an id given as UTF-8.</summary>
        public int Of(ReadOnlySpan<byte> utf8)
        {
            Span<char> chars = stackalloc char[Math.Min(utf8.Length, 256)];
            if (utf8.Length > chars.Length || System.Text.Encoding.UTF8.GetChars(utf8, chars) is var n && n != utf8.Length)
            {
                return Add(System.Text.Encoding.UTF8.GetString(utf8));
            }

            return _ids.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var id) ? id : Add(new string(chars));
        }

        private int Add(string name)
        {
            if (!_ids.TryGetValue(name, out var id))
            {
                _ids[name] = id = _all.Count;
                _all.Add(name);
            }

            return id;
        }
    }

    /// <summary>The column of a counter field's kind (<see cref="RedisCounterStore.KindCode"/>) in a count array; -1 for none.</summary>
    private static int Column(ReadOnlySpan<byte> kind) => kind switch
    {
        [(byte)'s'] => 0,
        [(byte)'i'] => 1,
        [(byte)'v'] => 2,
        [(byte)'c'] => 3,
        [(byte)'x', var reason] when InvalidReasons.FromCode((char)reason) is var r && r != InvalidReason.None => 4 + Array.IndexOf(InvalidReasons.All, r),
        [(byte)'r'] => RequestedColumn,
        [(byte)'f'] => FilledColumn,
        _ => -1,
    };

    private static string Format(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string FormatHour(DateTime local, TimeZoneInfo zone) =>
        new DateTimeOffset(local, zone.GetUtcOffset(local)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
