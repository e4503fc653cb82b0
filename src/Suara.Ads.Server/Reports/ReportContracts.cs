namespace Suara.Ads.Server.Reports;

/// <summary>Counts and click-through rate: the totals of a report, and the part every row shares.</summary>
public record ReportCounts
{
    /// <summary>Length of the count arrays <see cref="From"/> reads: served, impressions, viewable, clicks, then invalid by reason.</summary>
    public const int Width = 4 + 5;

    /// <summary>Ads served: filled slots of valid decisions.</summary>
    public long Served { get; init; }

    /// <summary>Impressions: counted impression beacons (what is billed).</summary>
    public long Impressions { get; init; }

    /// <summary>Viewable impressions.</summary>
    public long Viewable { get; init; }

    /// <summary>Clicks.</summary>
    public long Clicks { get; init; }

    /// <summary>Invalid traffic: decisions and beacons counted as nothing else (docs/invalid-traffic.md).</summary>
    public long Invalid => InvalidByReason?.Total ?? 0;

    /// <summary><see cref="Invalid"/> by reason; on a row, only when it has any.</summary>
    public InvalidCounts? InvalidByReason { get; init; }

    /// <summary>Clicks per impression (0 when there were no impressions), rounded to 6 places.</summary>
    public double Ctr => Rate(Clicks, Impressions);

    /// <summary>Viewable impressions per impression (0 when there were no impressions), rounded to 6 places.</summary>
    public double ViewableRate => Rate(Viewable, Impressions);

    /// <summary>A share of <paramref name="whole"/> rounded to 6 places; 0 of nothing.</summary>
    internal static double Rate(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 6);

    /// <summary>
    /// What the counted events cost the advertiser at the campaign's rate, to the cent; absent without a rate. The rows'
    /// spends add up to the total's exactly (docs/reports.md, "Spend").
    /// </summary>
    public decimal? Spend { get; init; }

    /// <summary>Counts from an array of <see cref="Width"/> indexed served, impressions, viewable, clicks, then the invalid reasons in <see cref="Core.Counting.InvalidReasons.All"/> order.</summary>
    /// <param name="counts">The counts.</param>
    /// <param name="row">A row: without invalid traffic it has no <see cref="InvalidByReason"/> (a long report has many such rows).</param>
    public static ReportCounts From(long[] counts, bool row = false) => new(counts, row);

    /// <summary>Empty counts.</summary>
    public ReportCounts() => InvalidByReason = new();

    /// <summary>Counts from <see cref="Width"/> or more of them, as <see cref="From"/> reads them.</summary>
    /// <param name="counts">The counts.</param>
    /// <param name="row">Whether these are a row's (without invalid traffic: no <see cref="InvalidByReason"/>).</param>
    protected ReportCounts(ReadOnlySpan<long> counts, bool row)
    {
        Served = counts[0];
        Impressions = counts[1];
        Viewable = counts[2];
        Clicks = counts[3];
        InvalidByReason = row && counts[4] + counts[5] + counts[6] + counts[7] + counts[8] == 0
            ? null
            : new InvalidCounts { Bot = counts[4], Prefetch = counts[5], NoImpression = counts[6], Flood = counts[7], NoUserAgent = counts[8] };
    }

    private static readonly InvalidCounts s_none = new();

    /// <summary>The sum of <paramref name="items"/>.</summary>
    public static ReportCounts Sum(IEnumerable<ReportCounts> items)
    {
        var total = new long[Width];
        foreach (var item in items)
        {
            var invalid = item.InvalidByReason ?? s_none;
            total[0] += item.Served;
            total[1] += item.Impressions;
            total[2] += item.Viewable;
            total[3] += item.Clicks;
            total[4] += invalid.Bot;
            total[5] += invalid.Prefetch;
            total[6] += invalid.NoImpression;
            total[7] += invalid.Flood;
            total[8] += invalid.NoUserAgent;
        }

        return From(total);
    }
}

/// <summary>Invalid traffic by reason.</summary>
public sealed record InvalidCounts
{
    /// <summary>Known crawlers and bots, by User-Agent.</summary>
    public long Bot { get; init; }

    /// <summary>Prefetch and prerender requests.</summary>
    public long Prefetch { get; init; }

    /// <summary>Viewables and clicks whose ad had no counted impression.</summary>
    public long NoImpression { get; init; }

    /// <summary>Beyond the per-minute limits of one viewer or client address.</summary>
    public long Flood { get; init; }

    /// <summary>Beacons without a User-Agent.</summary>
    public long NoUserAgent { get; init; }

    /// <summary>All reasons together (the report's <c>invalid</c>, so not repeated here).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long Total => Bot + Prefetch + NoImpression + Flood + NoUserAgent;
}

/// <summary>The totals of a report: the counts over the range, with reach and the currency of the spend.</summary>
public sealed record ReportTotals : ReportCounts
{
    /// <summary>Empty totals.</summary>
    public ReportTotals()
    {
    }

    /// <summary>Totals with <paramref name="counts"/>.</summary>
    public ReportTotals(ReportCounts counts)
        : base(counts)
    {
    }

    /// <summary>Distinct viewers with a counted impression in the range (HyperLogLog: within about 1 %); 0 when pages send no viewer id.</summary>
    public long Reach { get; init; }

    /// <summary>The currency of <see cref="ReportCounts.Spend"/> (ISO 4217); absent without a rate, or when campaigns of several currencies are summed.</summary>
    public string? Currency { get; init; }

    /// <summary>Spend per currency, only when the rows are in more than one (then <see cref="ReportCounts.Spend"/> is absent).</summary>
    public IReadOnlyDictionary<string, decimal>? SpendByCurrency { get; init; }
}

/// <summary>One row of a campaign report: a day or hour, a creative, a placement.</summary>
public sealed record CampaignReportRow : ReportCounts
{
    /// <summary>An empty row.</summary>
    public CampaignReportRow()
    {
    }

    /// <summary>A row with <paramref name="counts"/>.</summary>
    public CampaignReportRow(ReportCounts counts)
        : base(counts)
    {
    }

    /// <summary>A row with counts as <see cref="ReportCounts.From"/> reads them.</summary>
    internal CampaignReportRow(ReadOnlySpan<long> counts)
        : base(counts, row: true)
    {
    }

    /// <summary>Start of the day (<c>yyyy-MM-dd</c>) or hour (ISO 8601 with the site's offset), in the site's time zone.</summary>
    public required string Time { get; init; }

    /// <summary>Creative id; absent on the row of a flat-rate flight day without any count (its spend only).</summary>
    public string? CreativeId { get; init; }

    /// <summary>Placement id; absent like <see cref="CreativeId"/>.</summary>
    public string? Placement { get; init; }
}

/// <summary><c>GET /v1/reports/campaigns/{id}</c>.</summary>
public sealed record CampaignReport
{
    /// <summary>Campaign id.</summary>
    public required string CampaignId { get; init; }

    /// <summary>First day (site time zone).</summary>
    public required string From { get; init; }

    /// <summary>Last day, inclusive (site time zone).</summary>
    public required string To { get; init; }

    /// <summary><c>day</c> or <c>hour</c>.</summary>
    public required string Granularity { get; init; }

    /// <summary>The site's time zone the days and hours are in.</summary>
    public required string TimeZone { get; init; }

    /// <summary>Totals over the range.</summary>
    public required ReportTotals Totals { get; init; }

    /// <summary>Rows ordered by time, creative, placement; only rows with any count (or a flat rate's spend).</summary>
    public required IReadOnlyList<CampaignReportRow> Rows { get; init; }
}

/// <summary>One campaign in an advertiser report.</summary>
public sealed record AdvertiserReportRow : ReportCounts
{
    /// <summary>An empty row.</summary>
    public AdvertiserReportRow()
    {
    }

    /// <summary>A row with <paramref name="counts"/>.</summary>
    public AdvertiserReportRow(ReportCounts counts)
        : base(counts)
    {
    }

    /// <summary>Campaign id.</summary>
    public required string CampaignId { get; init; }

    /// <summary>Campaign name.</summary>
    public required string Name { get; init; }

    /// <summary>Distinct viewers of the campaign in the range.</summary>
    public long Reach { get; init; }

    /// <summary>The currency of the campaign's spend; absent without a rate.</summary>
    public string? Currency { get; init; }
}

/// <summary><c>GET /v1/reports/advertisers/{id}</c>.</summary>
public sealed record AdvertiserReport
{
    /// <summary>Advertiser id.</summary>
    public required string AdvertiserId { get; init; }

    /// <summary>First day.</summary>
    public required string From { get; init; }

    /// <summary>Last day, inclusive.</summary>
    public required string To { get; init; }

    /// <summary>Totals over all campaigns (reach: distinct viewers over all of them).</summary>
    public required ReportTotals Totals { get; init; }

    /// <summary>One row per campaign of the advertiser, by id.</summary>
    public required IReadOnlyList<AdvertiserReportRow> Rows { get; init; }
}

/// <summary>The publisher's inventory counts: the totals of a site report, and the part every row shares.</summary>
public record SiteCounts
{
    /// <summary>Slots asked for in valid decisions.</summary>
    public long Requested { get; init; }

    /// <summary>Of those, slots filled.</summary>
    public long Filled { get; init; }

    /// <summary>Filled per requested slot (0 when none was asked for), rounded to 6 places.</summary>
    public double FillRate => Requested == 0 ? 0 : Math.Round((double)Filled / Requested, 6);

    /// <summary>Counted impressions in the site's placements.</summary>
    public long Impressions { get; init; }

    /// <summary>Viewable impressions.</summary>
    public long Viewable { get; init; }

    /// <summary>Clicks.</summary>
    public long Clicks { get; init; }

    /// <summary>What advertisers spent in the site's placements (their campaigns' spend), to the cent; absent when it is in more than one currency or none.</summary>
    public decimal? Revenue { get; init; }

    /// <summary>The currency of <see cref="Revenue"/>.</summary>
    public string? Currency { get; init; }

    /// <summary>Revenue per currency, only when there is more than one (then <see cref="Revenue"/> is absent).</summary>
    public IReadOnlyDictionary<string, decimal>? RevenueByCurrency { get; init; }
}

/// <summary>One row of a site report: a day or hour and a placement.</summary>
public sealed record SiteReportRow : SiteCounts
{
    /// <summary>Start of the day or hour in the site's time zone (as in campaign reports).</summary>
    public required string Time { get; init; }

    /// <summary>Placement id.</summary>
    public required string Placement { get; init; }
}

/// <summary><c>GET /v1/reports/sites/{id}</c>: the publisher's report of its inventory.</summary>
public sealed record SiteReport
{
    /// <summary>Site id.</summary>
    public required string SiteId { get; init; }

    /// <summary>First day (site time zone).</summary>
    public required string From { get; init; }

    /// <summary>Last day, inclusive.</summary>
    public required string To { get; init; }

    /// <summary><c>day</c> or <c>hour</c>.</summary>
    public required string Granularity { get; init; }

    /// <summary>The site's time zone.</summary>
    public required string TimeZone { get; init; }

    /// <summary>Totals over the range.</summary>
    public required SiteCounts Totals { get; init; }

    /// <summary>Rows ordered by time and placement; only rows with any count.</summary>
    public required IReadOnlyList<SiteReportRow> Rows { get; init; }
}
