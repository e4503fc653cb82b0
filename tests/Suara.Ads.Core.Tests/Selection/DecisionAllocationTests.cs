using System.Text.Json;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Tests.Support;
using static Suara.Ads.Core.Tests.Support.TestCatalog;
using Suara.Ads.Testing;

namespace Suara.Ads.Core.Tests.Selection;

/// <summary>
/// Holds the decision path to the allocation budget checked in at benchmarks/allocation-budgets.json (the budget
/// BenchmarkDotNet's figures are recorded against). Bytes, not time: deterministic on any machine.
/// </summary>
public sealed class DecisionAllocationTests
{
    private static long Budget(string benchmark)
    {
        using var json = JsonDocument.Parse(RepositoryFiles.Read("benchmarks", "allocation-budgets.json"));
        return json.RootElement.GetProperty("budgets").GetProperty(benchmark).GetProperty("budget").GetInt64();
    }

    [Fact]
    public void Decide_FourSlotPage_StaysWithinAllocationBudget()
    {
        // Enough campaigns for the sampled path, some targeted, some capped, one exclusion label.
        var campaigns = Enumerable.Range(0, 120).Select(i => Campaign($"c{i}") with
        {
            Placements = ["sidebar", "article-top"],
            Creatives = [Image($"c{i}-s"), Image($"c{i}-t", "728x90")],
            Targeting = (i % 3) switch { 0 => "country in ('MY', 'SG')", 1 => "not section == 'sport'", _ => null },
            ExclusionLabels = i % 7 == 0 ? ["airline"] : [],
            FrequencyCap = i % 5 == 0 ? new Suara.Ads.Core.Catalog.FrequencyCap { Impressions = 3, Per = "day" } : null,
        }).ToArray();
        var snapshot = CatalogSnapshotBuilder.Build(Document(campaigns), 1);
        var engine = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(3));
        var request = Requests.Page("viewer", placements: ["article-top", "sidebar", "sidebar", "article-top"]);

        for (var i = 0; i < 1_000; i++)
        {
            engine.Decide(snapshot, request, ViewerHistory.Empty, Now);
        }

        // The least of three rounds, so a one-off runtime allocation (tier-up) does not count against the budget.
        const int Runs = 2_000;
        var perDecision = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Runs; i++)
            {
                Assert.NotNull(engine.Decide(snapshot, request, ViewerHistory.Empty, Now).Slots[0]);
            }

            perDecision = Math.Min(perDecision, (GC.GetAllocatedBytesForCurrentThread() - before) / Runs);
        }

        var budget = Budget("Suara.Ads.Benchmarks.Selection.DecisionBenchmarks.Engine(CampaignCount: 10000)");
        Assert.True(perDecision <= budget, $"{perDecision} B per decision, budget {budget} B");
    }
}
