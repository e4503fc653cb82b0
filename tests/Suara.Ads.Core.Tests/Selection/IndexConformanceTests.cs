using CsCheck;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Tests.Support;

namespace Suara.Ads.Core.Tests.Selection;

/// <summary>
/// The compiled index against a deliberately naive oracle that scans every campaign and evaluates every rule:
/// on random catalogs and requests, the engine's pick must be one the oracle finds eligible in the best tier,
/// and the engine must fill exactly when the oracle finds a candidate. CsCheck prints the failing seed.
/// </summary>
public sealed class IndexConformanceTests
{
    private static readonly string[] s_countries = ["MY", "SG", "ID", "TH", "GB", ""];
    private static readonly string[] s_devices = ["desktop", "mobile", "tablet"];
    private static readonly string[] s_sections = ["news", "sport", "travel", "politics", ""];
    private static readonly string[] s_placements = ["article-top", "sidebar", "footer"];

    private static string RandomRule(Random r)
    {
        string Pick(string[] values) => values[r.Next(values.Length)];
        string List(string[] values) => string.Join(", ", values.Where(v => v.Length > 0).OrderBy(_ => r.Next()).Take(r.Next(1, 4)).Select(v => $"'{v}'"));
        string Clause() => r.Next(9) switch
        {
            0 => $"country in ({List(s_countries)})",
            1 => $"country == '{Pick(s_countries[..^1])}'",
            2 => $"device == '{Pick(s_devices)}'",
            3 => $"section in ({List(s_sections)})",
            4 => $"not section == '{Pick(s_sections[..^1])}'",
            5 => $"placement == '{Pick(s_placements)}'",
            6 => $"hour between {r.Next(24)} and {r.Next(24)}",
            7 => $"(country == '{Pick(s_countries[..^1])}' or device == '{Pick(s_devices)}')",
            _ => $"keywords contains 'k{r.Next(3)}'",
        };
        return r.Next(6) == 0 ? "" : string.Join(" and ", Enumerable.Range(0, r.Next(1, 4)).Select(_ => Clause()));
    }

    private static CatalogDocument RandomCatalog(Random r, int campaigns) => TestCatalog.Document(
        Enumerable.Range(0, campaigns).Select(i => RandomCampaign(r, i)).ToArray());

    private static Campaign RandomCampaign(Random r, int i)
    {
        var placements = s_placements.Where(_ => r.Next(2) == 0).DefaultIfEmpty("sidebar").ToArray();
        var creatives = new List<Creative>();
        if (placements.Contains("sidebar"))
        {
            creatives.Add(TestCatalog.Image($"c{i}-side"));
        }

        if (placements.Length > creatives.Count)
        {
            creatives.Add(TestCatalog.Image($"c{i}-wide", "728x90"));
        }

        return TestCatalog.Campaign($"c{i}") with
        {
            Priority = CatalogNames.Priorities[r.Next(3)],
            Status = r.Next(10) == 0 ? "paused" : "active",
            End = r.Next(10) == 0 ? TestCatalog.Now.AddDays(-1) : TestCatalog.FlightEnd,
            Weight = r.Next(1, 100),
            Placements = placements,
            Targeting = RandomRule(r),
            Creatives = creatives,
        };
    }

    private static DecisionRequest RandomRequest(Random r, string placement) => new()
    {
        Site = "suara",
        Slots = [new SlotRequest("s", placement)],
        Context = new TargetingContext
        {
            Country = s_countries[r.Next(s_countries.Length)].ToLowerInvariant(),
            Device = s_devices[r.Next(s_devices.Length)],
            Section = s_sections[r.Next(s_sections.Length)],
            Keywords = new HashSet<string>(Enumerable.Range(0, r.Next(3)).Select(_ => $"K{r.Next(3)}"), StringComparer.OrdinalIgnoreCase),
        },
    };

    /// <summary>The oracle: every campaign, every rule, no index.</summary>
    private static HashSet<string> NaiveEligible(CatalogDocument document, DecisionRequest request, DateTimeOffset now)
    {
        var placement = document.Placements.Single(p => p.Id == request.Slots[0].Placement);
        var local = TimeZoneInfo.ConvertTime(now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur"));
        var context = request.Context;
        context.Site = "suara";
        context.Placement = placement.Id;
        context.Hour = local.Hour;
        context.Weekday = local.DayOfWeek;
        var eligible = document.Campaigns
            .Where(c => c.Status == "active" && c.Placements.Contains(placement.Id) && now >= c.Start && now <= c.End)
            .Where(c => c.Creatives.Any(cr => CatalogValidator.Fits(cr, placement)))
            .Where(c => string.IsNullOrEmpty(c.Targeting) || TargetingRule.Compile(c.Targeting).Rule!.Matches(context))
            .ToList();
        if (eligible.Count == 0)
        {
            return [];
        }

        var best = eligible.Min(c => Tier(c));
        return eligible.Where(c => Tier(c) == best).Select(c => c.Id).ToHashSet();
    }

    private static int Tier(Campaign c) => c.Priority switch { "sponsorship" => 0, "standard" => 1, _ => 2 };

    [Theory]
    [InlineData(1, 60, 300)]
    // Large catalogs put 32+ candidates in a tier, where the engine samples by weight before it scans.
    [InlineData(150, 400, 40)]
    public void Decide_RandomCatalogsAndRequests_AgreesWithNaiveOracle(int minCampaigns, int maxCampaigns, int iterations)
    {
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var r = new Random(seed);
                var document = RandomCatalog(r, r.Next(minCampaigns, maxCampaigns));
                var snapshot = CatalogSnapshotBuilder.Build(document, 1);
                var engine = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(seed));
                for (var i = 0; i < 10; i++)
                {
                    var request = RandomRequest(r, s_placements[r.Next(s_placements.Length)]);
                    var fast = engine.Decide(snapshot, request, ViewerHistory.Empty, TestCatalog.Now).Slots[0]?.Campaign.Id;
                    var explained = engine.Decide(snapshot, request, ViewerHistory.Empty, TestCatalog.Now, explain: true);
                    var expected = NaiveEligible(document, request, TestCatalog.Now);

                    Assert.Equal(expected.Count == 0, fast is null);
                    Assert.True(fast is null || expected.Contains(fast), $"engine chose {fast}, oracle allows {string.Join(",", expected)}");

                    // Explain walks every campaign: its eligible set (selected + outweighed) is exactly the oracle's.
                    var traced = explained.Explanations![0].Candidates
                        .Where(c => c.Outcome is CandidateOutcome.Selected or CandidateOutcome.Outweighed)
                        .Select(c => c.CampaignId).ToHashSet();
                    Assert.Equal(expected.Order(), traced.Order());
                }
            },
            iter: iterations,
            print: seed => $"seed {seed}");
    }
}
