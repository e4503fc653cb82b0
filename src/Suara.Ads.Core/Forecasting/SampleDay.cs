namespace Suara.Ads.Core.Forecasting;

/// <summary>
/// The recorded traffic of one site on one site-local day, compiled for replay: the sampled requests (as the engine's
/// requests, split by viewer into <see cref="ForecastReplay.ShardCount"/> shards, each in time order), and the day's
/// counts that scale the sample to all traffic and fills to impressions.
/// </summary>
public sealed class SampleDay
{
    private readonly double[] _hourScale;

    internal SampleDay(string site, DateOnly date, SampleCounts counts, ReplayRequest[][] shards)
    {
        Site = site;
        Date = date;
        Counts = counts;
        Shards = shards;
        RecordCount = shards.Sum(s => s.Length);
        var viewers = 0;
        foreach (var shard in shards)
        {
            foreach (var request in shard)
            {
                viewers = Math.Max(viewers, request.Viewer + 1);
            }
        }

        ViewerBound = viewers;
        var scale = new double[24];
        for (var h = 0; h < 24; h++)
        {
            // An hour whose sample is short of its requests (the hourly bound) weighs each record more; an hour with no
            // record at all cannot be scaled, and its requests are lost to the forecast (docs/forecasting.md).
            scale[h] = counts.SampledByHour[h] > 0 ? Math.Max(1.0, (double)counts.RequestsByHour[h] / counts.SampledByHour[h]) : 0;
        }

        _hourScale = scale;
        ImpressionShare = counts.Filled > 0 && counts.Impressions > 0 ? Math.Min(1.0, (double)counts.Impressions / counts.Filled) : 1.0;
    }

    /// <summary>The site.</summary>
    public string Site { get; }

    /// <summary>The site-local day.</summary>
    public DateOnly Date { get; }

    /// <summary>The day's counts.</summary>
    public SampleCounts Counts { get; }

    /// <summary>Records in the sample that could be replayed.</summary>
    public int RecordCount { get; }

    /// <summary>How many requests each record of an hour stands for (all requests of the hour / records of the hour).</summary>
    public IReadOnlyList<double> HourScale => _hourScale;

    /// <summary>
    /// The share of filled slots that became counted impressions that day (1 when no impression was counted: a site
    /// whose pages send no beacons yet is forecast as if every fill were seen).
    /// </summary>
    public double ImpressionShare { get; }

    internal ReplayRequest[][] Shards { get; }

    /// <summary>One more than the highest viewer number of the records (0 when none names a viewer).</summary>
    internal int ViewerBound { get; }

    /// <summary>The same records with <paramref name="counts"/> (a day whose impressions grew after it was compiled).</summary>
    public SampleDay WithCounts(SampleCounts counts) => new(Site, Date, counts, Shards);

    internal double HourScaleOf(int hour) => _hourScale[hour];
}

/// <summary>What all instances counted for one site on one site-local day, beside its sample.</summary>
public sealed record SampleCounts
{
    /// <summary>Valid decision requests by site-local hour (0-23), sampled or not.</summary>
    public long[] RequestsByHour { get; init; } = new long[24];

    /// <summary>Records kept in the sample, by hour.</summary>
    public long[] SampledByHour { get; init; } = new long[24];

    /// <summary>Slots filled by valid decisions.</summary>
    public long Filled { get; init; }

    /// <summary>Impressions counted (valid, de-duplicated) on the day.</summary>
    public long Impressions { get; init; }

    /// <summary>All valid decision requests of the day.</summary>
    public long Requests => RequestsByHour.Sum();

    /// <summary>All records of the day.</summary>
    public long Sampled => SampledByHour.Sum();
}
