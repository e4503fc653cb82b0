using BenchmarkDotNet.Attributes;
using Suara.Ads.Benchmarks.Catalogs;
using Suara.Ads.Benchmarks.Config;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Testing;

namespace Suara.Ads.Benchmarks.Selection;

/// <summary>
/// One 4-slot article page decision (<see cref="CatalogGenerator.PageSlots"/>) against generated catalogs of
/// 1k, 10k and 100k campaigns: the real engine against <see cref="NaiveSelector"/>, a linear scan with the same
/// eligibility rules. Each invocation takes the next of 256 varied requests, so the figures average over
/// countries, devices, sections, keywords and viewers with and without an id.
/// </summary>
[Config(typeof(BenchConfig))]
public class DecisionBenchmarks
{
    private const int PoolMask = 255;

    private CatalogSnapshot _snapshot = null!;
    private DecisionEngine _engine = null!;
    private NaiveSelector _naive = null!;
    private DecisionRequest[] _requests = null!;
    private ViewerHistory _history = null!;
    private int _next;

    /// <summary>Campaigns in the catalog.</summary>
    [Params(1_000, 10_000, 100_000)]
    public int CampaignCount { get; set; }

    /// <summary>Generates the catalog, builds the snapshot, and checks the engine and the baseline agree.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var document = CatalogGenerator.Generate(CampaignCount);
        _snapshot = CatalogSnapshotBuilder.Build(document, 1);
        var ledger = CatalogGenerator.Ledger(document);
        _history = CatalogGenerator.History(document);
        _requests = CatalogGenerator.Requests(PoolMask + 1);
        _engine = new DecisionEngine(ledger, new SeededRandomSource(1));
        _naive = new NaiveSelector(document, ledger, 1);
        CheckAgreement(document);
        _next = 0;
    }

    /// <summary>The baseline: a linear scan over every campaign for every slot.</summary>
    [Benchmark(Baseline = true)]
    public int Naive()
    {
        var request = _requests[_next++ & PoolMask];
        var picks = _naive.Decide(request, request.UserId is null ? ViewerHistory.Empty : _history, CatalogGenerator.Now);
        if (picks.Length != 4)
        {
            throw new InvalidOperationException($"Expected 4 slots, got {picks.Length}.");
        }

        return CountFilled(picks);
    }

    /// <summary>The engine: <see cref="DecisionEngine.Decide"/> on the indexed snapshot.</summary>
    [Benchmark]
    public int Engine()
    {
        var request = _requests[_next++ & PoolMask];
        var result = _engine.Decide(_snapshot, request, request.UserId is null ? ViewerHistory.Empty : _history, CatalogGenerator.Now);
        if (result.Slots.Count != 4)
        {
            throw new InvalidOperationException($"Expected 4 slots, got {result.Slots.Count}.");
        }

        return CountFilled(result.Slots);
    }

    private static int CountFilled<T>(IReadOnlyList<T?> slots)
        where T : class
    {
        var filled = 0;
        for (var i = 0; i < slots.Count; i++)
        {
            if (slots[i] is not null)
            {
                filled++;
            }
        }

        return filled;
    }

    /// <summary>
    /// The first slot's winning tier does not depend on random draws, so engine and baseline must agree on it for
    /// every request: a cheap guard that the baseline applies the same rules and the engine's index loses nothing.
    /// Also refuses a catalog that fills too little to be a meaningful load.
    /// </summary>
    private void CheckAgreement(CatalogDocument document)
    {
        var engine = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(2));
        var naive = new NaiveSelector(document, new InMemoryDeliveryLedger(), 2);
        var filled = 0;
        // The baseline takes ~0.1 s a page at 100k: check a sample there.
        var sample = CampaignCount >= 100_000 ? _requests[..32] : _requests;
        foreach (var request in sample)
        {
            var e = engine.Decide(_snapshot, request, ViewerHistory.Empty, CatalogGenerator.Now).Slots[0];
            var n = naive.Decide(request, ViewerHistory.Empty, CatalogGenerator.Now)[0];
            if (e?.Campaign.Priority != n?.Campaign.Priority)
            {
                throw new InvalidOperationException(
                    $"Engine and baseline disagree on the first slot: {e?.Campaign.Id} ({e?.Campaign.Priority}) vs {n?.Campaign.Id} ({n?.Campaign.Priority}).");
            }

            filled += e is null ? 0 : 1;
        }

        if (filled < sample.Length / 2)
        {
            throw new InvalidOperationException($"Only {filled} of {sample.Length} first slots filled: the generated catalog is too thin.");
        }
    }
}

/// <summary>Building (validating, compiling and indexing) a snapshot of a generated catalog.</summary>
[Config(typeof(BenchConfig))]
public class SnapshotBuildBenchmarks
{
    private CatalogDocument _document = null!;

    /// <summary>Campaigns in the catalog.</summary>
    [Params(10_000)]
    public int CampaignCount { get; set; }

    /// <summary>Generates the document (not measured).</summary>
    [GlobalSetup]
    public void Setup() => _document = CatalogGenerator.Generate(CampaignCount);

    /// <summary>A first build: validation, compiling every rule, placement and tier indexes.</summary>
    [Benchmark(Baseline = true)]
    public CatalogSnapshot BuildCold()
    {
        Suara.Ads.Core.Targeting.TargetingRuleCache.Clear();
        return Build();
    }

    /// <summary>A rebuild after a change: the rules that did not change come compiled from the cache.</summary>
    [Benchmark]
    public CatalogSnapshot Build()
    {
        var snapshot = CatalogSnapshotBuilder.Build(_document, 2);
        if (snapshot.CampaignCount != CampaignCount)
        {
            throw new InvalidOperationException("Campaigns went missing.");
        }

        return snapshot;
    }
}
