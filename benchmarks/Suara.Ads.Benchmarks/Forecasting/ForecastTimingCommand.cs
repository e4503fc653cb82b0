using System.Diagnostics;
using System.Globalization;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Testing;

namespace Suara.Ads.Benchmarks.Forecasting;

/// <summary>
/// <c>--forecast [--records N] [--campaigns N] [--runs N]</c>: a 7-day forecast over a sample of N recorded requests
/// (28 days of generated traffic, 1,000,000 by default), timed end to end as the endpoint runs it (plan, replay,
/// combine), after the sample is compiled (the endpoint keeps it compiled). Prints the wall time of each run, the
/// requests replayed, the bytes allocated per replayed request and the outcome's digest (equal digests, equal
/// forecasts: a faster replay must print the digest of the one before it) (benchmarks/RESULTS.md).
/// </summary>
internal static class ForecastTimingCommand
{
    public static void Run(string[] args)
    {
        var records = 1_000_000;
        var fillers = 200;
        var runs = 5;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--records": records = value; break;
                case "--campaigns": fillers = value; break;
                case "--runs": runs = value; break;
                default: throw new ArgumentException($"unknown option {args[i]}; use --records N --campaigns N --runs N");
            }
        }

        // 28 days whose records add up to N: a full weekday has N / 28 / (mean weekday volume) requests, all recorded.
        var today = new DateOnly(2026, 11, 30);
        var perDay = (int)Math.Round(records / 28.0 / GeneratedTraffic.WeekdayVolume.Average());
        var traffic = new GeneratedTraffic(seed: 1, viewers: Math.Max(1_000, records / 20));
        var compiler = new SampleCompiler();
        var days = new List<SampleDay>();
        var loading = Stopwatch.GetTimestamp();
        for (var date = today.AddDays(-28); date < today; date = date.AddDays(1))
        {
            var (counts, kept) = traffic.Sample(date, traffic.Day(date, perDay), 1.0);
            days.Add(compiler.Compile(traffic.Site, date, counts, kept));
        }

        var loaded = Stopwatch.GetElapsedTime(loading);
        var catalog = GeneratedTraffic.WithFillers(GeneratedTraffic.Catalog(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero)), fillers);
        var draft = catalog.Campaigns.First(c => c.Id == "capped") with { Id = "draft", Priority = "sponsorship", Targeting = "country in ('MY', 'SG') and device == 'mobile'" };
        var snapshot = CatalogSnapshotBuilder.Build(catalog with { Campaigns = [.. catalog.Campaigns, draft] }, 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Sample: {days.Sum(d => d.RecordCount):N0} records over {days.Count} days ({perDay:N0} on a full weekday), {compiler.ViewerCount:N0} viewers, generated and compiled in {loaded.TotalSeconds:0.0} s; catalog: {snapshot.CampaignCount} campaigns; {Environment.ProcessorCount} cores"));

        for (var run = 0; run < runs; run++)
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var paused = GC.GetTotalPauseDuration();
            var collections = GC.CollectionCount(0);
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var plan = ForecastPlanner.Plan(days, today, today, today.AddDays(6));
            var outcome = ForecastReplay.Run(snapshot, "draft", plan);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var gc = string.Create(CultureInfo.InvariantCulture, $"{GC.CollectionCount(0) - collections} GCs pausing {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:N0} ms, {cpuUsed.TotalMilliseconds:N0} ms CPU");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"run {run + 1}: 7-day forecast, {outcome.Replayed:N0} requests replayed in {elapsed.TotalMilliseconds:N0} ms ({elapsed.TotalMilliseconds * 1e6 / outcome.Replayed:0} ns each, {(double)bytes / outcome.Replayed:0} bytes allocated each; {gc}); matched {outcome.Matched:N0}, available {outcome.Available:N0}; digest {ForecastDigest.Of(outcome)[..16]}"));
        }
    }
}
