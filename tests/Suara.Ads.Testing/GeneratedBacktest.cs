using Suara.Ads.Core.Forecasting;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Testing;

/// <summary>
/// The backtest on generated traffic (issue 14): four weeks of <see cref="GeneratedTraffic"/> recorded at a sample rate,
/// a fifth week replayed whole as what was delivered, and the fifth forecast from the four. Shared by the test and the
/// benchmarks' <c>--backtest</c> command.
/// </summary>
public static class GeneratedBacktest
{
    /// <summary>The Monday of the week forecast.</summary>
    public static readonly DateOnly WeekStart = new(2026, 11, 30);

    /// <summary>Runs it: <paramref name="requestsPerDay"/> requests on a weekday of full volume, sampled at <paramref name="rate"/>.</summary>
    public static BacktestResult Run(int requestsPerDay = 20_000, double rate = 0.1, int seed = 14, int weeks = 4, int? parallelism = null)
    {
        var traffic = new GeneratedTraffic(seed);
        var snapshot = CatalogSnapshotBuilder.Build(GeneratedTraffic.Catalog(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero)), 1);
        var compiler = new SampleCompiler();
        var recorded = new List<SampleDay>();
        for (var date = WeekStart.AddDays(-7 * weeks); date < WeekStart; date = date.AddDays(1))
        {
            var (counts, records) = traffic.Sample(date, traffic.Day(date, requestsPerDay), rate);
            recorded.Add(compiler.Compile(traffic.Site, date, counts, records));
        }

        // The week itself, every request: what was delivered.
        var whole = new List<SampleDay>();
        var truthCompiler = new SampleCompiler();
        for (var date = WeekStart; date < WeekStart.AddDays(7); date = date.AddDays(1))
        {
            var (counts, records) = traffic.Sample(date, traffic.Day(date, requestsPerDay), 1.0);
            whole.Add(truthCompiler.Compile(traffic.Site, date, counts, records));
        }

        var delivered = Backtest.Deliver(snapshot, whole, parallelism);
        return Backtest.Run(snapshot, recorded, WeekStart, delivered, parallelism);
    }
}
