using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Forecasting;

/// <summary>
/// Measures a forecast against what happened: forecasts every campaign's impressions over a past week from the
/// recorded days before it (as a forecast made on that week's Monday would have), and compares with what was delivered.
/// </summary>
public static class Backtest
{
    /// <summary>Forecasts below this many impressions are reported but not held to the accuracy target (sampling noise dominates).</summary>
    public const double MinForecast = 1_000;

    /// <summary>
    /// Forecasts the 7 days from <paramref name="weekStart"/> on <paramref name="snapshot"/> from the days of
    /// <paramref name="recorded"/> before it, and compares each campaign's forecast with <paramref name="delivered"/>.
    /// </summary>
    public static BacktestResult Run(CatalogSnapshot snapshot, IReadOnlyList<SampleDay> recorded, DateOnly weekStart, IReadOnlyDictionary<string, double> delivered, int? parallelism = null)
    {
        var history = recorded.Where(d => d.Date < weekStart).ToArray();
        var days = ForecastPlanner.Plan(history, weekStart, weekStart, weekStart.AddDays(6));
        var forecast = ForecastReplay.Run(snapshot, null, days, parallelism: parallelism);
        var rows = forecast.Delivered
            .Select(p => new BacktestRow(p.Key, p.Value, delivered.GetValueOrDefault(p.Key)))
            .OrderByDescending(r => r.Delivered)
            .ToArray();
        return new BacktestResult(weekStart, history.Length, forecast.Replayed, rows);
    }

    /// <summary>
    /// What each campaign delivered over <paramref name="week"/> when every request of it is replayed (all traffic, one
    /// source per day): the truth of a backtest on generated traffic, where no impression counts exist.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Deliver(CatalogSnapshot snapshot, IReadOnlyList<SampleDay> week, int? parallelism = null)
    {
        var days = week.GroupBy(d => d.Date)
            .OrderBy(g => g.Key)
            .Select(g => new ForecastDay(g.Key, true, g.Select(d => new ForecastSource(d, 1, 0)).ToArray()))
            .ToArray();
        return ForecastReplay.Run(snapshot, null, days, seed: 2, parallelism: parallelism).Delivered;
    }
}

/// <summary>A backtest: each campaign's forecast beside what it delivered.</summary>
/// <param name="WeekStart">The first day forecast.</param>
/// <param name="RecordedDays">Recorded days the forecast was made from.</param>
/// <param name="Replayed">Sampled requests the forecast replayed.</param>
/// <param name="Rows">One row per campaign, most delivered first.</param>
public sealed record BacktestResult(DateOnly WeekStart, int RecordedDays, long Replayed, IReadOnlyList<BacktestRow> Rows)
{
    /// <summary>The rows held to the accuracy target: forecasts of at least <see cref="Backtest.MinForecast"/> impressions.</summary>
    public IEnumerable<BacktestRow> Held => Rows.Where(r => r.Forecast >= Backtest.MinForecast);

    /// <summary>The largest error among <see cref="Held"/> (0 when none).</summary>
    public double MaxError => Held.Select(r => r.Error).DefaultIfEmpty(0).Max();

    /// <summary>The mean absolute error among <see cref="Held"/>, weighted by delivered impressions.</summary>
    public double WeightedError => Held.Sum(r => r.Delivered) is var total and > 0 ? Held.Sum(r => Math.Abs(r.Forecast - r.Delivered)) / total : 0;
}

/// <summary>One campaign in a backtest.</summary>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Forecast">Impressions forecast for the week.</param>
/// <param name="Delivered">Impressions delivered that week.</param>
public sealed record BacktestRow(string CampaignId, double Forecast, double Delivered)
{
    /// <summary>|forecast - delivered| / delivered (1 when nothing was delivered but something forecast).</summary>
    public double Error => Delivered > 0 ? Math.Abs(Forecast - Delivered) / Delivered : Forecast > 0 ? 1 : 0;
}
