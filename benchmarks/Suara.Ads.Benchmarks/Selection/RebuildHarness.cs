using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using Suara.Ads.Benchmarks.Catalogs;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;

using Suara.Ads.Server.Catalog;
namespace Suara.Ads.Benchmarks.Selection;

/// <summary>
/// <c>--rebuild [campaigns] [seconds]</c>: decision latency while the catalog is rebuilt (issue 4). One thread decides
/// continuously on <see cref="CatalogSnapshotHolder.Current"/>, as the decision endpoint does; first alone, then while
/// another thread rebuilds the catalog over and over the way <c>CatalogSync</c> does (deserialize every campaign from
/// its stored JSON, build the snapshot, publish it). Reports per-decision latency percentiles for both phases and the
/// rebuild times. With <c>--incremental</c> the second thread applies one-campaign changes instead, as an instance does
/// on a change notice (<see cref="CatalogSnapshotBuilder.TryApply"/>), one every 50 ms. Stopwatch figures, not BenchmarkDotNet: what matters here is the tail while something else runs.
/// </summary>
internal static class RebuildHarness
{
    public static void Run(string[] args)
    {
        var campaigns = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var incremental = args.Contains("--incremental");
        var phase = TimeSpan.FromSeconds(seconds);

        var document = CatalogGenerator.Generate(campaigns);

        // The catalog as Redis holds it: one JSON string per entity.
        var stored = new StoredCatalog(
            document.Sites.Select(s => JsonSerializer.Serialize(s, CatalogJsonContext.Default.Site)).ToArray(),
            document.Placements.Select(p => JsonSerializer.Serialize(p, CatalogJsonContext.Default.Placement)).ToArray(),
            document.Advertisers.Select(a => JsonSerializer.Serialize(a, CatalogJsonContext.Default.Advertiser)).ToArray(),
            document.Campaigns.Select(c => JsonSerializer.Serialize(c, CatalogJsonContext.Default.Campaign)).ToArray());

        var holder = new CatalogSnapshotHolder();
        holder.Publish(CatalogSnapshotBuilder.Build(document, 1));
        var ledger = CatalogGenerator.Ledger(document);
        var history = CatalogGenerator.History(document);
        var requests = CatalogGenerator.Requests();
        var engine = new DecisionEngine(ledger, new SeededRandomSource(1));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{campaigns} campaigns, {seconds} s per phase, {Environment.ProcessorCount} cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC ({GCSettings.LatencyMode}), .NET {Environment.Version}"));

        var version = 2L;
        var random = new Random(7);
        CatalogSnapshot ChangeOne()
        {
            // One campaign changed, as CatalogSync applies a change notice: read its stored JSON, apply the change.
            var json = stored.Campaigns[random.Next(stored.Campaigns.Length)];
            return ApplyProbe.WithNewWeight(holder.Current, JsonSerializer.Deserialize(json, CatalogJsonContext.Default.Campaign)!, version++, random);
        }

        // The latency buffers (128 MB each) before anything is measured: allocated in a phase, or copied at its end, they
        // would trigger collections of their own and count them against what is measured.
        var aloneBuffer = new long[16_000_000];
        var duringBuffer = new long[16_000_000];

        // Warm up both paths (tier-0 JIT code is several times slower than steady state).
        Decide(engine, holder, requests, history, TimeSpan.FromSeconds(1), aloneBuffer);
        if (incremental)
        {
            for (var i = 0; i < 20; i++)
            {
                holder.PublishIfNewer(ChangeOne());
            }

            // What CatalogSync does once the first load is in force: one compacting collection of everything (the
            // large-object heap too), so that the phases start from the heap of a server that has just become ready,
            // not from the garbage of generating and serializing the catalog here.
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        else
        {
            for (var i = 0; i < 3; i++)
            {
                Rebuild(stored, 2);
            }
        }

        using var pauses = new GcPauseListener();
        pauses.Reset();
        var pauseBefore = GC.GetTotalPauseDuration();
        var alone = Decide(engine, holder, requests, history, phase, aloneBuffer);
        var pauseAlone = GC.GetTotalPauseDuration() - pauseBefore;
        var (longestAlone, pausesAlone) = pauses.Read();
        var longestAloneCause = pauses.LongestCause();
        Report("decisions alone", alone);

        var rebuilds = new List<double>();
        using var stop = new CancellationTokenSource();
        pauses.Reset();
        var gen2Before = GC.CollectionCount(2);
        var gcBefore = GC.CollectionCount(0);
        pauseBefore = GC.GetTotalPauseDuration();
        var rebuilder = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var sw = Stopwatch.StartNew();
                var snapshot = incremental ? ChangeOne() : Rebuild(stored, version++);

                holder.PublishIfNewer(snapshot);
                rebuilds.Add(sw.Elapsed.TotalMilliseconds);
                if (incremental)
                {
                    Thread.Sleep(50); // a change every ~50 ms: far more often than people make them
                }
            }
        }) { IsBackground = true, Name = "rebuild" };
        rebuilder.Start();
        var during = Decide(engine, holder, requests, history, phase, duringBuffer);
        stop.Cancel();
        rebuilder.Join();
        var gen2 = GC.CollectionCount(2) - gen2Before;
        var gcs = GC.CollectionCount(0) - gcBefore;
        var pauseDuring = GC.GetTotalPauseDuration() - pauseBefore;
        var (longestDuring, pausesDuring) = pauses.Read();
        var longestDuringCause = pauses.LongestCause();
        Report("decisions during rebuilds", during);

        rebuilds.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(incremental ? "incremental changes (deserialize one campaign + TryApply + publish, then 50 ms idle)" : "rebuilds (deserialize + build + publish)")}: {rebuilds.Count}, min {rebuilds[0]:F0} ms, median {rebuilds[rebuilds.Count / 2]:F0} ms, max {rebuilds[^1]:F0} ms; snapshot in force: version {holder.Current.Version}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"GC pauses: alone {pauseAlone.TotalMilliseconds:F0} ms in all, the longest {longestAlone.TotalMilliseconds:F2} ms of {pausesAlone} ({longestAloneCause}); during rebuilds {pauseDuring.TotalMilliseconds:F0} ms in all over {gcs} GCs ({gen2} gen2), the longest {longestDuring.TotalMilliseconds:F2} ms of {pausesDuring} ({longestDuringCause}) (the runtime's suspend-to-restart events)"));
    }

    private static CatalogSnapshot Rebuild(StoredCatalog stored, long version)
    {
        var document = new CatalogDocument
        {
            Sites = stored.Sites.Select(s => JsonSerializer.Deserialize(s, CatalogJsonContext.Default.Site)!).ToArray(),
            Placements = stored.Placements.Select(s => JsonSerializer.Deserialize(s, CatalogJsonContext.Default.Placement)!).ToArray(),
            Advertisers = stored.Advertisers.Select(s => JsonSerializer.Deserialize(s, CatalogJsonContext.Default.Advertiser)!).ToArray(),
            Campaigns = stored.Campaigns.Select(s => JsonSerializer.Deserialize(s, CatalogJsonContext.Default.Campaign)!).ToArray(),
        };
        return CatalogSnapshotBuilder.Build(document, version);
    }

    /// <summary>Decides for <paramref name="duration"/> and returns each decision's latency in Stopwatch ticks (in <paramref name="latencies"/>).</summary>
    private static ArraySegment<long> Decide(DecisionEngine engine, CatalogSnapshotHolder holder, DecisionRequest[] requests, ViewerHistory history, TimeSpan duration, long[] latencies)
    {
        var count = 0;
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var i = 0;
        while (count < latencies.Length)
        {
            var start = Stopwatch.GetTimestamp();
            if (start >= end)
            {
                break;
            }

            var r = requests[i++ & 255];
            var result = engine.Decide(holder.Current, r, r.UserId is null ? ViewerHistory.Empty : history, CatalogGenerator.Now);
            latencies[count++] = Stopwatch.GetTimestamp() - start;
            if (result.Slots.Count != r.Slots.Count)
            {
                throw new InvalidOperationException("Wrong number of slots.");
            }
        }

        return new ArraySegment<long>(latencies, 0, count);
    }

    private static void Report(string name, ArraySegment<long> latencies)
    {
        var ticks = latencies.Array!;
        var n = latencies.Count;
        Array.Sort(ticks, 0, n);
        double Us(long t) => t * 1_000_000.0 / Stopwatch.Frequency;
        double P(double q) => Us(ticks[Math.Min(n - 1, (int)(q * n))]);
        var firstSlow = ticks.AsSpan(0, n).IndexOfAnyInRange(1 + (Stopwatch.Frequency / 1000), long.MaxValue);
        var over1Ms = firstSlow < 0 ? 0 : n - firstSlow;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-26}: {n,10:N0} decisions | p50 {P(0.50),7:F2} µs | p99 {P(0.99),7:F2} µs | p99.9 {P(0.999),8:F1} µs | max {Us(ticks[n - 1]),9:F0} µs | > 1 ms: {over1Ms}"));
    }

    private sealed record StoredCatalog(string[] Sites, string[] Placements, string[] Advertisers, string[] Campaigns);
}
