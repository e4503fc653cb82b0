using CsCheck;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Tests.Selection;
using Suara.Ads.Core.Tests.Support;

namespace Suara.Ads.Core.Tests.Snapshot;

/// <summary>
/// Issue 13, goal 3: a snapshot changed incrementally (<see cref="CatalogSnapshotBuilder.TryApply"/>) decides exactly as
/// one built whole from the same catalog, and refuses what whole-catalog validation refuses, with the same errors.
/// Random catalogs and random chains of changes (campaigns created, replaced, retargeted, paused, deleted; advertisers
/// added and removed); CsCheck prints the failing seed.
/// </summary>
public sealed class IncrementalSnapshotTests
{
    private static CatalogDelta RandomDelta(Random r, CatalogDocument document, ref int next)
    {
        var campaigns = new List<Campaign>();
        var removed = new List<string>();
        for (var n = r.Next(1, 4); n > 0; n--)
        {
            var existing = document.Campaigns.Count == 0 ? null : document.Campaigns[r.Next(document.Campaigns.Count)];
            switch (r.Next(4))
            {
                case 0 when existing is not null && removed.Count == 0 && campaigns.Count == 0:
                    removed.Add(existing.Id);
                    break;
                case 1 when existing is not null:
                    // The same id, new content (another rule, tier, placements, creatives…).
                    campaigns.Add(IndexConformanceTests.RandomCampaign(r, int.Parse(existing.Id[1..], System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                case 2 when existing is not null:
                    campaigns.Add(existing with { Status = existing.Status == "active" ? "paused" : "active", Weight = r.Next(1, 100) });
                    break;
                default:
                    campaigns.Add(IndexConformanceTests.RandomCampaign(r, next++));
                    break;
            }
        }

        // The last change of an id wins, as in a stored change log.
        var distinct = campaigns.GroupBy(c => c.Id).Select(g => g.Last()).Where(c => !removed.Contains(c.Id)).ToArray();
        return new CatalogDelta { Campaigns = distinct, RemovedCampaigns = removed };
    }

    private static IEnumerable<(string? Campaign, string? Creative)> Picks(DecisionResult result) =>
        result.Slots.Select(s => (s?.Campaign.Id, s?.Creative.Id));

    [Fact]
    public void TryApply_RandomChainsOfChanges_DecidesAsAFullBuildOfTheSameCatalog()
    {
        var (localNow, siteDay, dayStartUtcTicks) = IndexConformanceTests.SiteClock();
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var r = new Random(seed);
                var count = r.Next(0, 120);
                var document = TestCatalog.Document([.. Enumerable.Range(0, count).Select(i => IndexConformanceTests.RandomCampaign(r, i))]);
                var snapshot = CatalogSnapshotBuilder.Build(document, 1);
                var next = count;
                for (var step = 0; step < 6; step++)
                {
                    var delta = RandomDelta(r, snapshot.Document, ref next);
                    Assert.True(CatalogSnapshotBuilder.TryApply(snapshot, delta, snapshot.Version + 1, out var changed, out var errors), errors.ToString());
                    snapshot = changed!;
                }

                var full = CatalogSnapshotBuilder.Build(snapshot.Document, snapshot.Version);
                Assert.Equal(full.Document.Campaigns.Select(c => c.Id), snapshot.Document.Campaigns.Select(c => c.Id));
                Assert.Equal(full.CampaignCount, snapshot.CampaignCount);
                Assert.Equal(full.HasFrequencyCaps, snapshot.HasFrequencyCaps);
                Assert.Equal(full.HasRoadblocks, snapshot.HasRoadblocks);

                var ledger = IndexConformanceTests.RandomLedger(r, snapshot.Document, siteDay, dayStartUtcTicks);
                var incrementalEngine = new DecisionEngine(ledger, new SeededRandomSource(seed));
                var fullEngine = new DecisionEngine(ledger, new SeededRandomSource(seed));
                for (var i = 0; i < 12; i++)
                {
                    var request = IndexConformanceTests.RandomRequest(r);
                    var history = request.UserId is null ? ViewerHistory.Empty : IndexConformanceTests.RandomHistory(r, snapshot.Document, localNow);
                    Assert.Equal(Picks(fullEngine.Decide(full, request, history, TestCatalog.Now)), Picks(incrementalEngine.Decide(snapshot, request, history, TestCatalog.Now)));

                    var fullExplained = fullEngine.Decide(full, request, history, TestCatalog.Now, explain: true);
                    var explained = incrementalEngine.Decide(snapshot, request, history, TestCatalog.Now, explain: true);
                    for (var s = 0; s < request.Slots.Count; s++)
                    {
                        Assert.Equal(
                            fullExplained.Explanations![s].Candidates.Select(c => (c.CampaignId, c.Outcome)),
                            explained.Explanations![s].Candidates.Select(c => (c.CampaignId, c.Outcome)));
                    }
                }
            },
            iter: 150);
    }

    [Fact]
    public void Build_OfABigCatalog_OnEveryCore_DecidesAsOneBuiltUpOneChangeAtATime()
    {
        // A catalog of ParallelCompileFrom campaigns or more is compiled and indexed on every core; TryApply of a small
        // change indexes its placements on one thread. Both must give the same snapshot.
        var (localNow, siteDay, dayStartUtcTicks) = IndexConformanceTests.SiteClock();
        var r = new Random(2024);
        var all = Enumerable.Range(0, CatalogSnapshotBuilder.ParallelCompileFrom + 500).Select(i => IndexConformanceTests.RandomCampaign(r, i)).ToArray();
        var snapshot = CatalogSnapshotBuilder.Build(TestCatalog.Document([.. all.Take(100)]), 1);
        foreach (var chunk in all.Skip(100).Chunk(200))
        {
            Assert.True(CatalogSnapshotBuilder.TryApply(snapshot, new CatalogDelta { Campaigns = chunk }, snapshot.Version + 1, out var changed, out var errors), errors.ToString());
            snapshot = changed!;
        }

        var full = CatalogSnapshotBuilder.Build(snapshot.Document, snapshot.Version);
        Assert.Equal(all.Length, full.CampaignCount);
        var ledger = IndexConformanceTests.RandomLedger(r, snapshot.Document, siteDay, dayStartUtcTicks);
        var fullEngine = new DecisionEngine(ledger, new SeededRandomSource(7));
        var builtUpEngine = new DecisionEngine(ledger, new SeededRandomSource(7));
        var filled = 0;
        for (var i = 0; i < 300; i++)
        {
            var request = IndexConformanceTests.RandomRequest(r);
            var history = request.UserId is null ? ViewerHistory.Empty : IndexConformanceTests.RandomHistory(r, snapshot.Document, localNow);
            var picks = Picks(fullEngine.Decide(full, request, history, TestCatalog.Now)).ToArray();
            Assert.Equal(picks, Picks(builtUpEngine.Decide(snapshot, request, history, TestCatalog.Now)));
            filled += picks.Count(p => p.Campaign is not null);
        }

        Assert.True(filled > 100, $"only {filled} slots filled: the comparison says little");
    }

    [Fact]
    public void TryApply_ChangesAcrossChunks_ListsEveryCampaignAsAFullBuild()
    {
        // Issue 13, goal 3: the campaign lists (the document's, the compiled campaigns, each placement's) are chunked
        // (ChunkedList, 1,024 a chunk), and a change splices only the chunks it touches. Over 3,000 campaigns, chains
        // of random changes (several campaigns at once, removals, new ids anywhere in the order) must leave every list
        // as a full build of the same catalog has it.
        var r = new Random(13);
        var count = 3_000;
        var snapshot = CatalogSnapshotBuilder.Build(TestCatalog.Document([.. Enumerable.Range(0, count).Select(i => IndexConformanceTests.RandomCampaign(r, i))]), 1);
        var next = count;
        for (var step = 0; step < 60; step++)
        {
            var delta = RandomDelta(r, snapshot.Document, ref next);
            Assert.True(CatalogSnapshotBuilder.TryApply(snapshot, delta, snapshot.Version + 1, out var changed, out var errors), errors.ToString());
            snapshot = changed!;
        }

        var full = CatalogSnapshotBuilder.Build(TestCatalog.Document([.. snapshot.Document.Campaigns.OrderBy(c => r.Next())]), snapshot.Version);
        Assert.Equal(full.Document.Campaigns.Select(c => c.Id), snapshot.Document.Campaigns.Select(c => c.Id));
        Assert.Equal(full.Document.Campaigns, snapshot.Document.Campaigns);
        Assert.Equal(full.Campaigns.Select(c => c.Id), snapshot.Campaigns.Select(c => c.Id));
        Assert.All(snapshot.Campaigns, c => Assert.Same(c, snapshot.CampaignsById[c.Id]));
        foreach (var (id, placement) in full.Placements)
        {
            Assert.Equal(placement.All.Select(e => e.Campaign.Id), snapshot.Placements[id].All.Select(e => e.Campaign.Id));
            Assert.Equal(placement.Roadblocks.Select(e => e.Campaign.Id), snapshot.Placements[id].Roadblocks.Select(e => e.Campaign.Id));
        }
    }

    public static TheoryData<string> InvalidChanges => new()
    {
        "unknown-advertiser",
        "unknown-placement",
        "bad-targeting",
        "creative-fits-nothing",
        "removed-advertiser-in-use",
    };

    [Theory]
    [MemberData(nameof(InvalidChanges))]
    public void TryApply_InvalidChange_IsRefusedWithTheErrorsOfWholeValidation(string change)
    {
        var document = TestCatalog.Document(TestCatalog.Campaign("a1"), TestCatalog.Campaign("b2"), TestCatalog.Campaign("c3"));
        var snapshot = CatalogSnapshotBuilder.Build(document, 4);
        var delta = change switch
        {
            "unknown-advertiser" => new CatalogDelta { Campaigns = [TestCatalog.Campaign("b2") with { AdvertiserId = "nobody" }] },
            "unknown-placement" => new CatalogDelta { Campaigns = [TestCatalog.Campaign("bb") with { Placements = ["sidebar", "nowhere"] }] },
            "bad-targeting" => new CatalogDelta { Campaigns = [TestCatalog.Campaign("c3") with { Targeting = "country in ('MY'" }] },
            "creative-fits-nothing" => new CatalogDelta { Campaigns = [TestCatalog.Campaign("d4", TestCatalog.Image("wide", "970x250"))] },
            _ => new CatalogDelta { RemovedAdvertisers = [TestCatalog.Campaign("a1").AdvertiserId] },
        };

        Assert.False(CatalogSnapshotBuilder.TryApply(snapshot, delta, 5, out var changed, out var errors));
        Assert.Null(changed);
        Assert.False(CatalogSnapshotBuilder.TryBuild(CatalogSnapshotBuilder.Apply(document, delta), 5, out _, out var wholeErrors));
        Assert.Equal(wholeErrors.ToDictionary(), errors.ToDictionary());
        Assert.Equal(4, snapshot.Version);
    }

    [Fact]
    public void TryApply_OneCampaignChanged_SharesEverythingElse()
    {
        var document = TestCatalog.Document(
            TestCatalog.Campaign("a1") with { Placements = ["footer"], Creatives = [TestCatalog.Image("w", "728x90")] },
            TestCatalog.Campaign("b2"),
            TestCatalog.Campaign("c3") with { Targeting = "country == 'MY'" });
        var snapshot = CatalogSnapshotBuilder.Build(document, 1);

        Assert.True(CatalogSnapshotBuilder.TryApply(snapshot, new CatalogDelta { Campaigns = [TestCatalog.Campaign("b2") with { Weight = 7 }] }, 2, out var changed, out _));

        Assert.Same(snapshot.CampaignsById["a1"], changed!.CampaignsById["a1"]);
        Assert.Same(snapshot.CampaignsById["c3"], changed.CampaignsById["c3"]);
        Assert.NotSame(snapshot.CampaignsById["b2"], changed.CampaignsById["b2"]);
        Assert.Equal(7, changed.CampaignsById["b2"].Weight);
        Assert.Same(snapshot.Placements["footer"], changed.Placements["footer"]);
        Assert.NotSame(snapshot.Placements["sidebar"], changed.Placements["sidebar"]);
        Assert.Same(snapshot.Document.Advertisers, changed.Document.Advertisers);
        Assert.Equal(2, changed.Version);
    }
}
