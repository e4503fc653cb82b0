using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Benchmarks.Catalogs;

/// <summary>
/// <c>--apply-probe [campaigns] [changes]</c>: what one incremental change (<see cref="CatalogSnapshotBuilder.TryApply"/>
/// of one campaign with a new weight) allocates on a big catalog: bytes per change (exact, this thread), and which
/// types the allocations are, sampled by the runtime's allocation ticks (one event per ~100 KB allocated, per kind:
/// small-object heap or large-object heap), so the large arrays a change copies show by name. Issue 13, goal 3.
/// </summary>
internal static class ApplyProbe
{
    public static void Run(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var changes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        var document = CatalogGenerator.Generate(count);
        var snapshot = CatalogSnapshotBuilder.Build(document, 1);
        var campaigns = snapshot.Document.Campaigns;
        var random = new Random(7);

        CatalogSnapshot Change(CatalogSnapshot current) => WithNewWeight(current, campaigns[random.Next(campaigns.Count)], current.Version + 1, random);

        // Warm up (JIT), then measure.
        for (var i = 0; i < 20; i++)
        {
            snapshot = Change(snapshot);
        }

        var bytes = new List<long>();
        var times = new List<double>();
        using var ticks = new AllocationTicks();
        for (var i = 0; i < changes; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            snapshot = Change(snapshot);
            times.Add(clock.Elapsed.TotalMilliseconds);
            bytes.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        bytes.Sort();
        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{count:N0} campaigns, {changes} one-campaign changes: allocated per change median {bytes[bytes.Count / 2] / 1e3:F1} KB, max {bytes[^1] / 1e3:F1} KB, total {bytes.Sum() / 1e6:F1} MB; time median {times[times.Count / 2]:F2} ms, max {times[^1]:F2} ms"));
        Console.WriteLine("sampled allocations (one tick per ~100 KB of a kind), by heap and type:");
        foreach (var ((heap, type), n) in ticks.Read().OrderByDescending(t => t.Value).Take(15))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {heap,-3} {n,6} ticks  {type}"));
        }
    }

    /// <summary>
    /// <paramref name="current"/> with <paramref name="campaign"/> given a random new weight, applied incrementally as an
    /// instance applies a change notice (<see cref="CatalogSnapshotBuilder.TryApply"/>): the change the probes time.
    /// </summary>
    public static CatalogSnapshot WithNewWeight(CatalogSnapshot current, Campaign campaign, long version, Random random)
    {
        var changed = campaign with { Weight = 1 + random.Next(1000) };
        if (!CatalogSnapshotBuilder.TryApply(current, new CatalogDelta { Campaigns = [changed] }, version, out var next, out var errors))
        {
            throw new InvalidOperationException(errors.ToString());
        }

        return next!;
    }

    /// <summary>The runtime's <c>GCAllocationTick</c> events counted by heap (SOH, LOH, POH) and type name.</summary>
    private sealed class AllocationTicks : EventListener
    {
        private readonly Dictionary<(string Heap, string Type), int> _counts = [];

        public Dictionary<(string Heap, string Type), int> Read()
        {
            // Events arrive on the listener's own thread, a little after they happen.
            Thread.Sleep(1000);
            lock (_counts)
            {
                return new Dictionary<(string Heap, string Type), int>(_counts);
            }
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.Payload is null)
            {
                return;
            }

            var kind = Convert.ToInt32(eventData.Payload[eventData.PayloadNames!.IndexOf("AllocationKind")], CultureInfo.InvariantCulture);
            var type = eventData.PayloadNames.IndexOf("TypeName") is >= 0 and var at ? eventData.Payload[at] as string ?? "?" : "?";
            var heap = kind switch { 0 => "SOH", 1 => "LOH", _ => "POH" };
            lock (_counts)
            {
                _counts[(heap, type)] = _counts.GetValueOrDefault((heap, type)) + 1;
            }
        }
    }
}
