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
/// What a roadblock candidate costs a 4-slot article page (goal: at most 2 µs more), on the 10,000-campaign generated
/// catalog: the page with no roadblock in the catalog (baseline), with a sponsorship roadblock over the top and the
/// side that wins both (the usual case: one pass, then a check), and with one whose targeting keeps it out of the side
/// (the worst case: it wins the top, cannot take the side, and the page is decided again without it).
/// </summary>
[Config(typeof(BenchConfig))]
public class RoadblockBenchmarks
{
    private const int PoolMask = 255;

    private CatalogSnapshot _plain = null!;
    private CatalogSnapshot _winning = null!;
    private CatalogSnapshot _incomplete = null!;
    private DecisionEngine _engine = null!;
    private DecisionRequest[] _requests = null!;
    private ViewerHistory _history = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var document = CatalogGenerator.Generate(10_000);
        _plain = CatalogSnapshotBuilder.Build(document, 1);
        _winning = CatalogSnapshotBuilder.Build(With(document, Roadblock(document, targeting: null)), 1);
        _incomplete = CatalogSnapshotBuilder.Build(With(document, Roadblock(document, targeting: "placement != 'article-side'")), 1);
        _history = CatalogGenerator.History(document);
        _requests = CatalogGenerator.Requests(PoolMask + 1);
        _engine = new DecisionEngine(CatalogGenerator.Ledger(document), new SeededRandomSource(1));
        _next = 0;
        Check();
    }

    [Benchmark(Baseline = true)]
    public int NoRoadblock() => Decide(_plain);

    [Benchmark]
    public int RoadblockWins() => Decide(_winning);

    [Benchmark]
    public int RoadblockCannotFillASlot() => Decide(_incomplete);

    private int Decide(CatalogSnapshot snapshot)
    {
        var request = _requests[_next++ & PoolMask];
        var result = _engine.Decide(snapshot, request, request.UserId is null ? ViewerHistory.Empty : _history, CatalogGenerator.Now);
        var filled = 0;
        foreach (var slot in result.Slots)
        {
            filled += slot is null ? 0 : 1;
        }

        return filled;
    }

    /// <summary>The benchmark measures what it says: the roadblock fills both its slots, or (the other case) none.</summary>
    private void Check()
    {
        var request = _requests[0];
        var wins = _engine.Decide(_winning, request, ViewerHistory.Empty, CatalogGenerator.Now).Slots;
        if (wins[0]?.Campaign.Id != "roadblock" || wins[3]?.Campaign.Id != "roadblock")
        {
            throw new InvalidOperationException("The winning roadblock does not fill the top and the side.");
        }

        if (_engine.Decide(_incomplete, request, ViewerHistory.Empty, CatalogGenerator.Now).Slots.Any(s => s?.Campaign.Id == "roadblock"))
        {
            throw new InvalidOperationException("The incomplete roadblock fills a slot.");
        }
    }

    private static CatalogDocument With(CatalogDocument document, Campaign roadblock) => new()
    {
        Sites = document.Sites,
        Placements = document.Placements,
        Advertisers = document.Advertisers,
        Campaigns = [.. document.Campaigns, roadblock],
    };

    private static Campaign Roadblock(CatalogDocument document, string? targeting) => new()
    {
        Id = "roadblock",
        AdvertiserId = document.Advertisers[0].Id,
        Name = "Roadblock",
        Start = CatalogGenerator.Now.AddDays(-10),
        End = CatalogGenerator.Now.AddDays(10),
        Priority = "sponsorship",
        Weight = 1_000_000,
        Roadblock = true,
        Placements = ["article-top", "article-side"],
        Targeting = targeting,
        Creatives =
        [
            new Creative { Id = "rb-728", Format = "image", Size = "728x90", ImageUrl = "/r/728.png", Alt = "r", ClickUrl = "https://bench.example/r" },
            new Creative { Id = "rb-600", Format = "image", Size = "300x600", ImageUrl = "/r/600.png", Alt = "r", ClickUrl = "https://bench.example/r" },
        ],
    };
}
