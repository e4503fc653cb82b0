using System.Diagnostics;
using System.Globalization;
using Suara.Ads.Benchmarks.Catalogs;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Testing;

namespace Suara.Ads.Benchmarks;

/// <summary>
/// <c>--probe [N...]</c>: a quick Stopwatch pass over the decision path (no BenchmarkDotNet), for sanity checks and
/// for looking at the shape of the index. Rough figures only; use the benchmarks for anything you publish.
/// </summary>
internal static class Probe
{
    public static void Run(string[] sizes)
    {
        var counts = sizes.Length == 0 ? [1_000, 10_000, 100_000] : sizes.Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        foreach (var n in counts)
        {
            var document = CatalogGenerator.Generate(n);
            var sw = Stopwatch.StartNew();
            var snapshot = CatalogSnapshotBuilder.Build(document, 1);
            var build = sw.Elapsed;
            var ledger = CatalogGenerator.Ledger(document);
            var history = CatalogGenerator.History(document);
            var requests = CatalogGenerator.Requests();
            var engine = new DecisionEngine(ledger, new SeededRandomSource(1));
            var naive = new NaiveSelector(document, ledger, 1);

            var engineTime = Time(20_000, i =>
            {
                var r = requests[i & 255];
                engine.Decide(snapshot, r, r.UserId is null ? ViewerHistory.Empty : history, CatalogGenerator.Now);
            });
            var (filled, visited) = Shape(snapshot, engine, requests, history);
            var naiveTime = Time(n >= 100_000 ? 10 : 200, i =>
            {
                var r = requests[i & 255];
                naive.Decide(r, r.UserId is null ? ViewerHistory.Empty : history, CatalogGenerator.Now);
            });

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{n,7} campaigns: build {build.TotalMilliseconds,8:F1} ms | engine {engineTime,9:F2} µs/page (fill {filled:P0}, {visited:F0} entries checked, {engineTime * 1000 / visited:F1} ns each) | naive {naiveTime,10:F2} µs/page"));
            DescribeIndex(snapshot);
        }
    }

    /// <summary>Fill rate, and entries the engine checks per page (tiers down to the winning one; all when no fill).</summary>
    private static (double Filled, double Visited) Shape(CatalogSnapshot snapshot, DecisionEngine engine, DecisionRequest[] requests, ViewerHistory history)
    {
        long filled = 0;
        long visited = 0;
        foreach (var r in requests)
        {
            var result = engine.Decide(snapshot, r, r.UserId is null ? ViewerHistory.Empty : history, CatalogGenerator.Now);
            for (var s = 0; s < r.Slots.Count; s++)
            {
                var decision = result.Slots[s];
                filled += decision is null ? 0 : 1;
                var lastTier = decision is null ? 2 : (int)snapshot.CampaignsById[decision.Campaign.Id].Tier;
                var p = snapshot.Placements[r.Slots[s].Placement];
                r.Context.Placement = p.Id;
                for (var t = 0; t <= lastTier; t++)
                {
                    var tier = p.Tiers[t];
                    visited += tier.Unkeyed.Count;
                    foreach (var f in tier.Fields)
                    {
                        visited += f.ByValue.TryGetValue(r.Context.GetString(f.Field), out var e) ? e.Count : 0;
                    }
                }
            }
        }

        return (filled / (4.0 * requests.Length), visited / (double)requests.Length);
    }

    /// <summary>Best of 5 rounds: the first rounds run tier-0 JIT code and can be 5x slower than steady state.</summary>
    private static double Time(int iterations, Action<int> action)
    {
        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
            {
                action(i);
            }

            best = Math.Min(best, sw.Elapsed.TotalMicroseconds / iterations);
        }

        return best;
    }

    private static void DescribeIndex(CatalogSnapshot snapshot)
    {
        foreach (var slot in CatalogGenerator.PageSlots)
        {
            var p = snapshot.Placements[slot.Placement];
            var tiers = p.Tiers.Select(t =>
                $"{t.Count} ({t.Unkeyed.Count} unkeyed; " + string.Join(", ", t.Fields.Select(f =>
                    $"{f.Field}: {f.EntryCount} in {f.ByValue.Count} keys, max {(f.ByValue.Count == 0 ? 0 : f.ByValue.Values.Max(v => v.Count))}")) + ")");
            Console.WriteLine($"    {p.Id,-15} {string.Join(" | ", tiers)}");
        }
    }
}
