using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Catalog;

namespace Suara.Ads.Benchmarks.Catalogs;

/// <summary>
/// <c>--load-probe [campaigns]</c>: where the time and the memory of loading a big catalog go, without Redis. The
/// generated catalog is held as Redis holds it (one UTF-8 JSON value per entity); the probe times deserializing them,
/// validating the document (which compiles every targeting rule) and building the snapshot, and reports the managed
/// heap the document and the snapshot keep after a full collection. Stopwatch figures from one cold run.
/// </summary>
internal static class LoadProbe
{
    public static void Run(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var generated = CatalogGenerator.Generate(count);
        var stored = generated.Campaigns.Select(c => JsonSerializer.SerializeToUtf8Bytes(c, CatalogJsonContext.Default.Campaign)).ToArray();
        var others = generated with { Campaigns = [] };
        generated = null;
        var heap0 = Heap();

        var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var campaigns = new Campaign[stored.Length];
        for (var i = 0; i < stored.Length; i++)
        {
            campaigns[i] = JsonSerializer.Deserialize(stored[i], CatalogJsonContext.Default.Campaign)!;
        }

        var deserialize = clock.Elapsed;
        var allocated1 = GC.GetTotalAllocatedBytes(precise: true);
        var document = others with { Campaigns = campaigns };
        var heapDocument = Heap() - heap0;

        clock.Restart();
        CatalogValidator.ValidateDocument(document, out _);
        var validate = clock.Elapsed;
        var allocated2 = GC.GetTotalAllocatedBytes(precise: true);
        clock.Restart();
        CatalogValidator.ValidateDocument(document, out _);
        var revalidate = clock.Elapsed;
        var allocatedRevalidate = GC.GetTotalAllocatedBytes(precise: true) - allocated2;
        allocated2 += allocatedRevalidate;
        var heapRules = Heap() - heap0 - heapDocument;
        clock.Restart();
        var snapshot = CatalogSnapshotBuilder.Build(document, 1);
        var build = clock.Elapsed;
        var allocated3 = GC.GetTotalAllocatedBytes(precise: true);
        var heapSnapshot = Heap() - heap0;
        GC.KeepAlive(stored);

        // One campaign changed at a time, as an instance applies a change notice.
        var random = new Random(7);
        var applies = new List<double>();
        var cpu = new List<double>();
        for (var n = 0; n < 30; n++)
        {
            var campaign = campaigns[random.Next(campaigns.Length)];
            var cpuBefore = Environment.CpuUsage.UserTime + Environment.CpuUsage.PrivilegedTime;
            clock.Restart();
            snapshot = ApplyProbe.WithNewWeight(snapshot, campaign, snapshot.Version + 1, random);
            applies.Add(clock.Elapsed.TotalMilliseconds);
            cpu.Add((Environment.CpuUsage.UserTime + Environment.CpuUsage.PrivilegedTime - cpuBefore).TotalMilliseconds);
        }

        applies.Sort();
        cpu.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"one campaign changed (TryApply), 30 times: median {applies[15]:F1} ms (process CPU {cpu[15]:F1} ms), max {applies[^1]:F1} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count:N0} campaigns ({stored.Sum(s => (long)s.Length) / 1e6:F1} MB of JSON): deserialize {deserialize.TotalMilliseconds:F0} ms, validate (compiles the rules) {validate.TotalMilliseconds:F0} ms, validate again + build {build.TotalMilliseconds:F0} ms; heap kept: document {heapDocument / 1e6:F0} MB, rules {heapRules / 1e6:F0} MB, document + snapshot {heapSnapshot / 1e6:F0} MB; GC pauses {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"allocated: deserialize {(allocated1 - allocated0) / 1e6:F0} MB, validate {(allocated2 - allocatedRevalidate - allocated1) / 1e6:F0} MB, validate with the rules compiled {allocatedRevalidate / 1e6:F0} MB ({revalidate.TotalMilliseconds:F0} ms), build {(allocated3 - allocated2) / 1e6:F0} MB; collections gen0 {GC.CollectionCount(0)}, gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)}"));
    }

    private static long Heap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
