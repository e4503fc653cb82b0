using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Tests.Support;
using static Suara.Ads.Core.Tests.Support.TestCatalog;

namespace Suara.Ads.Core.Tests.Selection;

/// <summary>Roadblocks: a campaign that fills every requested slot whose placement it lists, or none of them.</summary>
public sealed class RoadblockTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.FromHours(8));
    private readonly InMemoryDeliveryLedger _ledger = new();

    /// <summary>A roadblock over the top and the sidebar, with a creative for each.</summary>
    private static Campaign Roadblock(string id = "rb", string priority = "standard", string? targeting = null) => Campaign(id, Image(id + "-728", "728x90"), Image(id + "-300")) with
    {
        Roadblock = true,
        Priority = priority,
        Weight = 1_000_000,
        Placements = ["article-top", "sidebar"],
        Targeting = targeting,
    };

    private static Campaign Filler(string id, params string[] placements) =>
        Campaign(id, [.. placements.Any(p => p != "sidebar") ? [Image(id + "-728", "728x90")] : Array.Empty<Creative>(), .. placements.Contains("sidebar") ? [Image(id + "-300")] : Array.Empty<Creative>()])
            with { Placements = placements, Weight = 1 };

    private DecisionResult Decide(CatalogDocument document, DecisionRequest request, int seed = 1, bool explain = false) =>
        new DecisionEngine(_ledger, new SeededRandomSource(seed)).Decide(CatalogSnapshotBuilder.Build(document, 1), request, ViewerHistory.Empty, Now, explain);

    [Fact]
    public void ARoadblockThatWinsASlot_FillsEveryRequestedSlotItLists()
    {
        var doc = Document(Roadblock(), Filler("other", "article-top", "sidebar", "footer"));
        for (var seed = 0; seed < 30; seed++)
        {
            var result = Decide(doc, Requests.Page(placements: ["article-top", "sidebar", "footer"]), seed);
            Assert.Equal(["rb", "rb", "other"], result.Slots.Select(s => s?.Campaign.Id)); // the footer is not the roadblock's
            Assert.NotEqual(result.Slots[0]!.Creative.Id, result.Slots[1]!.Creative.Id);
        }
    }

    [Fact]
    public void ARoadblockThatLosesItsFirstSlotByWeight_IsOnNoSlot_OrOnAll()
    {
        // Equal weights: the roadblock wins the top about half the time; then it has the sidebar too, never one alone.
        var doc = Document(Roadblock() with { Weight = 1 }, Filler("other", "article-top", "sidebar"));
        var whole = 0;
        for (var seed = 0; seed < 60; seed++)
        {
            var campaigns = Decide(doc, Requests.Page(placements: ["article-top", "sidebar"]), seed).Slots.Select(s => s?.Campaign.Id).ToArray();
            Assert.True(campaigns.All(c => c == "rb") || campaigns.All(c => c != "rb"), string.Join(", ", campaigns));
            whole += campaigns[0] == "rb" ? 1 : 0;
        }

        Assert.InRange(whole, 10, 59);
    }

    [Fact]
    public void ARoadblockThatCannotFillOneOfItsSlots_FillsNone_AndExplainSaysWhy()
    {
        // It wins the top (the sidebar is not in its targeting): it fills nothing, and the page goes to the others.
        var doc = Document(Roadblock(targeting: "placement != 'sidebar'"), Filler("other", "article-top", "sidebar"));
        var result = Decide(doc, Requests.Page(placements: ["article-top", "sidebar"]), explain: true);
        Assert.Equal(["other", "other"], result.Slots.Select(s => s?.Campaign.Id));
        var top = result.Explanations![0].Candidates.Single(c => c.CampaignId == "rb");
        Assert.Equal(CandidateOutcome.RoadblockIncomplete, top.Outcome);
        Assert.Equal("a roadblock that cannot fill slot 's1' (Targeting: placement != 'sidebar'), so it fills none", top.Detail);

        // Alone on the page (its sidebar not requested), it fills the top.
        Assert.Equal("rb", Decide(doc, Requests.Page(placements: ["article-top"])).Slots[0]?.Campaign.Id);
    }

    [Fact]
    public void ALeftOutRoadblockInALargeTier_IsSteppedOverByTheWeightedDraw()
    {
        // Forty standard campaigns (a tier large enough to be sampled by weight) and a roadblock holding nearly all of
        // the tier's weight that cannot fill the sidebar: the top is drawn among the forty, by their weights.
        var fillers = Enumerable.Range(0, 40).Select(i => Filler($"f{i:00}", "article-top", "sidebar") with { Weight = i < 20 ? 1 : 3 }).ToArray();
        var doc = Document([Roadblock(targeting: "placement != 'sidebar'"), .. fillers]);
        var heavy = 0;
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 400; seed++)
        {
            var top = Decide(doc, Requests.Page(placements: ["article-top", "sidebar"]), seed).Slots[0]!.Campaign.Id;
            Assert.NotEqual("rb", top);
            seen.Add(top);
            heavy += string.CompareOrdinal(top, "f20") >= 0 ? 1 : 0;
        }

        Assert.True(seen.Count >= 30, $"{seen.Count} campaigns drawn");
        Assert.InRange(heavy, 240, 360); // the weight-3 half holds 3/4 of the weight: about 300 of 400
    }

    [Fact]
    public void ARoadblockNeverTakesASlotFromAHigherTier()
    {
        var sponsor = Filler("sponsor", "sidebar") with { Priority = "sponsorship", Weight = 100 };
        var doc = Document(Roadblock(), sponsor, Filler("other", "article-top"));
        var result = Decide(doc, Requests.Page(placements: ["article-top", "sidebar"]), explain: true);
        Assert.Equal(["other", "sponsor"], result.Slots.Select(s => s?.Campaign.Id));
        Assert.Contains("the sponsorship campaign sponsor is eligible there", result.Explanations![0].Candidates.Single(c => c.CampaignId == "rb").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void AWinningRoadblock_ExplainsTheOthersAsRoadblocked_AndItsLabelsHold()
    {
        var doc = Document(
            Roadblock() with { ExclusionLabels = ["airline"] },
            Filler("rival", "footer") with { ExclusionLabels = ["airline"], Weight = 1_000_000 },
            Filler("other", "article-top", "sidebar", "footer"));
        var result = Decide(doc, Requests.Page(placements: ["article-top", "sidebar", "footer"]), explain: true);
        Assert.Equal(["rb", "rb", "other"], result.Slots.Select(s => s?.Campaign.Id)); // the rival airline is out of the footer
        Assert.Equal(CandidateOutcome.Excluded, result.Explanations![2].Candidates.Single(c => c.CampaignId == "rival").Outcome);
    }

    [Fact]
    public void ARoadblockTakingASlotItDidNotWinAtFirst_ExplainsTheOthersThere()
    {
        // Equal weights: in some pages the roadblock wins the top but not, at first, the sidebar; it then takes the
        // sidebar too, and explain says so of the campaign that would have had it.
        var doc = Document(Roadblock() with { Weight = 1 }, Filler("other", "article-top", "sidebar"));
        var roadblocked = 0;
        for (var seed = 0; seed < 60; seed++)
        {
            var result = Decide(doc, Requests.Page(placements: ["article-top", "sidebar"]), seed, explain: true);
            foreach (var slot in result.Explanations!)
            {
                if (slot.Candidates.SingleOrDefault(c => c.CampaignId == "other") is { Outcome: CandidateOutcome.Roadblocked } other)
                {
                    Assert.Equal("the roadblock rb takes every slot it lists", other.Detail);
                    Assert.Equal(CandidateOutcome.Selected, slot.Candidates.Single(c => c.CampaignId == "rb").Outcome);
                    roadblocked++;
                }
            }
        }

        Assert.True(roadblocked > 0);
    }

    [Fact]
    public void WithoutRoadblocks_TheSnapshotSaysSo()
    {
        Assert.False(CatalogSnapshotBuilder.Build(Document(Filler("a", "sidebar")), 1).HasRoadblocks);
        Assert.True(CatalogSnapshotBuilder.Build(Document(Roadblock()), 1).HasRoadblocks);
        Assert.False(CatalogSnapshotBuilder.Build(Document(Roadblock() with { Status = "paused" }), 1).HasRoadblocks);
    }
}
