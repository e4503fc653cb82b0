using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Tests.Support;
using Suara.Ads.Testing;
using static Suara.Ads.Core.Tests.Support.TestCatalog;

namespace Suara.Ads.Core.Tests.Forecasting;

/// <summary>The replay's engine path (issue 14): the same choices as a served decision, and no allocation per request.</summary>
public sealed class ReplayTests
{
    private static CatalogSnapshot Catalog()
    {
        var campaigns = Enumerable.Range(0, 60).Select(i => Campaign($"c{i}") with
        {
            Placements = ["sidebar", "article-top"],
            Creatives = [Image($"c{i}-s"), Image($"c{i}-t", "728x90")],
            Priority = i % 10 == 0 ? "sponsorship" : "standard",
            Targeting = (i % 3) switch { 0 => "country in ('MY', 'SG')", 1 => "not section == 'sport'", _ => null },
            ExclusionLabels = i % 7 == 0 ? ["airline"] : [],
            FrequencyCap = i % 5 == 0 ? new FrequencyCap { Impressions = 3, Per = "day" } : null,
            Roadblock = i == 13,
        }).ToArray();
        return CatalogSnapshotBuilder.Build(Document(campaigns), 1);
    }

    [Fact]
    public void DecideInto_RandomPages_ChoosesAsDecideDoes()
    {
        var snapshot = Catalog();
        var served = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(9));
        var replayed = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(9));
        var random = new Random(4);
        var chosen = new CompiledCreative?[4];
        var placements = new CompiledPlacement?[4];
        string[] countries = ["MY", "SG", "GB"];
        string[] sections = ["news", "sport", "travel"];
        for (var i = 0; i < 500; i++)
        {
            var request = Requests.Page("v", c => { c.Country = countries[random.Next(3)]; c.Section = sections[random.Next(3)]; }, random.Next(2) == 0 ? ["sidebar", "article-top"] : ["article-top", "sidebar", "footer", "sidebar"]);
            var now = Now.AddMinutes(random.Next(10_000));

            var expected = served.Decide(snapshot, request, ViewerHistory.Empty, now);
            Assert.True(replayed.DecideInto(snapshot, request, ViewerHistory.Empty, now, chosen, placements));

            for (var s = 0; s < request.Slots.Count; s++)
            {
                Assert.Equal(expected.Slots[s]?.Creative.Id, chosen[s]?.Id);
            }
        }
    }

    [Fact]
    public void DecideInto_ThreeSlotPage_AllocatesNothing()
    {
        var snapshot = Catalog();
        var engine = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(3));
        var request = Requests.Page("viewer", placements: ["article-top", "sidebar", "sidebar"]);
        var chosen = new CompiledCreative?[3];
        var placements = new CompiledPlacement?[3];
        var history = new ViewerHistory(new Dictionary<FrequencyKey, int>());

        var bytes = Allocations.LeastOfThreeRounds(() => engine.DecideInto(snapshot, request, history, Now, chosen, placements), warmUps: 1_000, times: 2_000);

        Assert.NotNull(chosen[0]);
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void Replay_SameSampleTwice_GivesTheSameForecast_AndScalesByTheCounts()
    {
        var traffic = new GeneratedTraffic(seed: 5, viewers: 500);
        var snapshot = CatalogSnapshotBuilder.Build(GeneratedTraffic.Catalog(FlightStart, FlightEnd), 1);
        var compiler = new SampleCompiler();
        var start = new DateOnly(2026, 11, 2);
        var days = Enumerable.Range(0, 7).Select(d =>
        {
            var date = start.AddDays(d);
            var (counts, records) = traffic.Sample(date, traffic.Day(date, 2_000), 0.5, impressionShare: 0.8);
            return compiler.Compile(traffic.Site, date, counts, records);
        }).ToArray();
        var plan = ForecastPlanner.Plan(days, start.AddDays(7), start.AddDays(7), start.AddDays(13));

        var first = ForecastReplay.Run(snapshot, "house", plan);
        var second = ForecastReplay.Run(snapshot, "house", plan);

        Assert.Equal(first.Available, second.Available);
        Assert.Equal(first.Delivered, second.Delivered);

        // Every slot of every request is matched by the house campaign (no targeting, every placement): the matched
        // impressions are all requests times three slots times the share of fills that became impressions.
        var requests = days.Sum(d => d.Counts.Requests);
        Assert.InRange(first.Matched, requests * 3 * 0.8 * 0.97, requests * 3 * 0.8 * 1.03);
        Assert.True(first.ContendedWith.Count > 0);
        Assert.DoesNotContain(first.ContendedWith, c => c.Key == "house");
    }
}
