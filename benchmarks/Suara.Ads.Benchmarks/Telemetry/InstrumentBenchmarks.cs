using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Suara.Ads.Benchmarks.Config;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Benchmarks.Telemetry;

/// <summary>
/// What the server's own instruments cost a decided page and a beacon, with OpenTelemetry's SDK listening and its
/// Prometheus exporter attached as the server wires them (<c>Heard</c>), against the same calls with the meter unheard
/// (<c>Ads:Metrics=false</c>: each instrument is disabled and costs its check). A page of three slots records what
/// <c>DecisionPipeline</c> records: a slot each by placement and result, the decision, its latency by outcome.
/// </summary>
[Config(typeof(BenchConfig))]
public class InstrumentBenchmarks
{
    private static readonly string[] Placements = ["article-top", "article-inline", "article-side"];

    private ServiceProvider _services = null!;
    private AdsMetrics _metrics = null!;
    private RedisConnection _redis = null!;

    /// <summary>Whether an OpenTelemetry meter provider listens to the meter.</summary>
    [Params(false, true)]
    public bool Heard { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection().AddMetrics();
        services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddAdsViews().AddPrometheusExporter();
            if (Heard)
            {
                metrics.AddMeter(AdsMetrics.MeterName);
            }
        });
        _services = services.BuildServiceProvider();
        _ = _services.GetRequiredService<MeterProvider>(); // built and listening before the first instrument
        _redis = new RedisConnection(Microsoft.Extensions.Options.Options.Create(new RedisOptions { Configuration = "127.0.0.1:1,abortConnect=false,connectTimeout=1" }));
        _metrics = new AdsMetrics(_services.GetRequiredService<IMeterFactory>(), new EventAggregate(), _redis, new CatalogSnapshotHolder());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _redis.Dispose();
    }

    /// <summary>A page of three slots, two filled and one empty.</summary>
    [Benchmark(Baseline = true)]
    public long Page()
    {
        var started = Stopwatch.GetTimestamp();
        _metrics.Slot(Placements[0], SlotResult.Filled);
        _metrics.Slot(Placements[1], SlotResult.Filled);
        _metrics.Slot(Placements[2], SlotResult.Empty);
        _metrics.Decision();
        _metrics.DecisionTime(started, 2, 1);
        return started;
    }

    /// <summary>An accepted impression beacon.</summary>
    [Benchmark]
    public int Beacon()
    {
        _metrics.Event("impression", "accepted");
        return 1;
    }
}
