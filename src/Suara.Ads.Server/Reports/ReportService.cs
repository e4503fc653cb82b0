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
        var ordered = Ordered(await cellsTask.ConfigureAwait(false));
        var (spends, total) = Price(campaign.Source, zone, from, to, ordered);
        var times = new Dictionary<DateTime, string>();
        var list = new CampaignReportRow[ordered.Count];
        for (var i = 0; i < list.Length; i++)
        {
            var (bucket, creative, placement, counts) = ordered[i];
            if (!times.TryGetValue(bucket, out var time))
            {
                times[bucket] = time = hourly ? FormatHour(bucket, zone) : Format(DateOnly.FromDateTime(bucket));
            }

            list[i] = new CampaignReportRow(counts) { Time = time, CreativeId = creative, Placement = placement, Spend = spends?[i] };
        }

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
            foreach (var (key, counts) in await reads[i].Cells.ConfigureAwait(false))
            {
                if (!byDay.TryGetValue(key.Bucket, out var dayCounts))
                {
                    byDay[key.Bucket] = dayCounts = new long[Columns];
                }

                Add(dayCounts, counts);
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

        foreach (var (key, counts) in await inventory.ConfigureAwait(false))
        {
            Add(Row(key.Bucket, key.Placement).Counts, counts);
        }

        for (var i = 0; i < campaigns.Length; i++)
        {
            // The campaign is priced over all its placements, as its own report prices it (a flat rate's day is shared by
            // every placement and site it serves); this site takes the rows of its placements.
            var cells = new Dictionary<(DateTime, string), long[]>();
            foreach (var (key, counts) in await reads[i].ConfigureAwait(false))
            {
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
                .Select(c => (c.Key.Item1, (string?)null, (string?)c.Key.Item2, ReportCounts.From(c.Value))).ToList();
            var (spends, _) = Price(campaigns[i].Source, snapshot.ZoneOf(campaigns[i]), from, to, priced);
            if (spends is null || campaigns[i].Source.Rate is not { } rate)
            {
                continue;
            }

            for (var j = 0; j < priced.Count; j++)
            {
                // A flat rate's flight day without any count to share it by goes to the campaign's first placement (its
                // home site, whose days it counts in), so that the sites' revenue adds up to the campaign's spend.
                var placement = priced[j].Item3 ?? campaigns[i].Source.Placements[0];
                if (placements.Contains(placement) && spends[j] is { } spend && spend != 0)
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

    private static void Add(long[] sum, long[] counts)
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
    private async Task<Dictionary<RowKey, long[]>> ReadDailyAsync(string campaign, DateOnly from, DateOnly to)
    {
        var db = _redis.Database;
        var reads = new List<Task<HashEntry[]>>();
        for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
        {
            reads.Add(db.HashGetAllAsync(_keys.DailyCounters(campaign, (month.Year * 100) + month.Month)));
        }

        // Each month's cells are parsed as soon as it arrives, while Redis still sends the later ones.
        var cells = new CellReader();
        foreach (var read in reads)
        {
            cells.AddDays(await read.ConfigureAwait(false), from.ToDateTime(TimeOnly.MinValue), to.ToDateTime(TimeOnly.MinValue));
        }

        return cells.Rows;
    }

    /// <summary>Counter cells of a campaign by local hour between the start of <paramref name="from"/> and the end of <paramref name="to"/> in <paramref name="zone"/>.</summary>
    private async Task<Dictionary<RowKey, long[]>> ReadHourlyAsync(string campaign, TimeZoneInfo zone, DateOnly from, DateOnly to)
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

        // Each day's cells are parsed as soon as it arrives, while Redis still sends the later ones.
        var cells = new CellReader();
        foreach (var read in reads)
        {
            cells.AddHours(await read.ConfigureAwait(false), zone, firstHour, endHour);
        }

        return cells.Rows;
    }

    /// <summary>Reads counter fields into cells; ids interned once per report. (Optimised from the first call: a report is rare, and a long one has hundreds of thousands of fields.)</summary>
    private sealed class CellReader
    {
        private readonly Names _names = new();
        private readonly Dictionary<long, DateTime> _times = new();

        /// <summary>The counts added up by time, creative and placement (keyed by reference: the ids are interned).</summary>
        public Dictionary<RowKey, long[]> Rows { get; } = new(ByReference.Instance);

        private void Add(DateTime bucket, string placement, string creative, int kind, long count)
        {
            ref var counts = ref CollectionsMarshal.GetValueRefOrAddDefault(Rows, new RowKey(bucket, creative, placement), out _);
            counts ??= new long[Columns];
            counts[kind] += count;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddHours(HashEntry[] entries, TimeZoneInfo zone, long firstHour, long endHour)
        {
            foreach (var entry in entries)
            {
                if (Parse(entry, _names, out var hour, out var placement, out var creative, out var kind, out var count) && hour >= firstHour && hour < endHour)
                {
                    // The local hour of each UTC hour, converted once per hour rather than once per cell.
                    if (!_times.TryGetValue(hour, out var local))
                    {
                        var at = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeSeconds(hour * 3600), zone).DateTime;
                        _times[hour] = local = new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0);
                    }

                    Add(local, placement, creative, kind, count);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddDays(HashEntry[] entries, DateTime first, DateTime last)
        {
            foreach (var entry in entries)
            {
                if (Parse(entry, _names, out var time, out var placement, out var creative, out var kind, out var count)
                    && (_times.TryGetValue(time, out var day) || ParseDay(time, _times, out day)) && day >= first && day <= last)
                {
                    Add(day, placement, creative, kind, count);
                }
            }
        }
    }

    /// <summary>The rows of one read ordered by time, creative and placement.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static List<(DateTime Bucket, string? Creative, string? Placement, ReportCounts Counts)> Ordered(Dictionary<RowKey, long[]> rows)
    {
        var keys = rows.Keys.ToArray();
        Array.Sort(keys, static (a, b) =>
            a.Bucket != b.Bucket ? a.Bucket.CompareTo(b.Bucket)
            : !ReferenceEquals(a.Creative, b.Creative) ? string.CompareOrdinal(a.Creative, b.Creative)
            : string.CompareOrdinal(a.Placement, b.Placement));
        var ordered = new List<(DateTime, string?, string?, ReportCounts)>(keys.Length);
        foreach (var key in keys)
        {
            ordered.Add((key.Bucket, key.Creative, key.Placement, ReportCounts.From(rows[key], row: true)));
        }

        return ordered;
    }

    /// <summary>A row of one read: its local day or hour, creative and placement (interned by the read).</summary>
    private readonly record struct RowKey(DateTime Bucket, string Creative, string Placement);

    /// <summary>Row keys whose ids were interned by one read (<see cref="Names"/>): compared by reference, not by text.</summary>
    private sealed class ByReference : IEqualityComparer<RowKey>
    {
        public static readonly ByReference Instance = new();

        public bool Equals(RowKey x, RowKey y) =>
            x.Bucket == y.Bucket && ReferenceEquals(x.Creative, y.Creative) && ReferenceEquals(x.Placement, y.Placement);

        public int GetHashCode(RowKey key) =>
            HashCode.Combine(key.Bucket, RuntimeHelpers.GetHashCode(key.Creative), RuntimeHelpers.GetHashCode(key.Placement));
    }

    /// <summary>
    /// Parses a counter field <c>TIME|PLACEMENT|CREATIVE|KIND</c> and its count without a string per part: the time as a
    /// number (an hour; a daily field's <c>yyyy-MM-dd</c> as <c>yyyyMMdd</c>), the ids interned in <paramref name="names"/>.
    /// A long report reads hundreds of thousands of fields.
    /// </summary>
    private static bool Parse(HashEntry entry, Names names, out long time, out string placement, out string creative, out int kind, out long count)
    {
        (time, placement, creative, kind, count) = (0, "", "", -1, 0);
        var field = ((ReadOnlyMemory<byte>)entry.Name).Span;
        var first = field.IndexOf((byte)'|');
        if (first <= 0 || !entry.Value.TryParse(out count))
        {
            return false;
        }

        var rest = field[(first + 1)..];
        var second = rest.IndexOf((byte)'|');
        var third = second < 0 ? -1 : rest[(second + 1)..].IndexOf((byte)'|');
        if (third < 0)
        {
            return false;
        }

        foreach (var b in field[..first])
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

        placement = names.Of(rest[..second]);
        creative = names.Of(rest.Slice(second + 1, third));
        kind = Column(rest[(second + 1 + third + 1)..]);
        return kind >= 0;
    }

    private static bool ParseDay(long yyyymmdd, Dictionary<long, DateTime> days, out DateTime day)
    {
        var (year, month, date) = ((int)(yyyymmdd / 10_000), (int)(yyyymmdd / 100 % 100), (int)(yyyymmdd % 100));
        day = year is >= 1 and <= 9999 && month is >= 1 and <= 12 && date >= 1 && date <= DateTime.DaysInMonth(year, month) ? new DateTime(year, month, date) : DateTime.MaxValue;
        days[yyyymmdd] = day;
        return day != DateTime.MaxValue;
    }

    /// <summary>Ids as strings, one instance per id (rows are then keyed by reference).</summary>
    private sealed class Names
    {
        private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

        public string Of(ReadOnlySpan<byte> utf8)
        {
            Span<char> chars = stackalloc char[Math.Min(utf8.Length, 256)];
            if (utf8.Length > chars.Length || System.Text.Encoding.UTF8.GetChars(utf8, chars) is var n && n != utf8.Length)
            {
                var text = System.Text.Encoding.UTF8.GetString(utf8);
                return _names.TryGetValue(text, out var known) ? known : _names[text] = text;
            }

            var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(chars, out var name))
            {
                return name;
            }

            name = new string(chars);
            _names[name] = name;
            return name;
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
