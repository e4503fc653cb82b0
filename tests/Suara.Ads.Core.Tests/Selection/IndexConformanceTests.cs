using CsCheck;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Tests.Support;
using Suara.Ads.Testing;

namespace Suara.Ads.Core.Tests.Selection;

/// <summary>
/// The compiled index against the one naive oracle (<see cref="NaiveSelector"/>, shared with the benchmarks) that
/// scans every campaign and evaluates every rule. On random catalogs (targeting, tiers, weights, flights, goals with
/// random delivered counts and both pacings, frequency caps with a random viewer history, exclusion labels, several
/// creatives and sizes) and random pages of one to four slots, slot by slot: the engine fills a slot exactly when the
/// oracle, given the engine's picks for the earlier slots, finds a candidate, and picks one the oracle allows, with a
/// creative the oracle allows; explain's eligible set is exactly the oracle's. CsCheck prints the failing seed.
/// </summary>
public sealed class IndexConformanceTests
{
    private static readonly string[] s_countries = ["MY", "SG", "ID", "TH", "GB", ""];
    private static readonly string[] s_devices = ["desktop", "mobile", "tablet"];
    private static readonly string[] s_sections = ["news", "sport", "travel", "politics", ""];
    private static readonly string[] s_placements = ["article-top", "sidebar", "footer"];
    private static readonly string[] s_labels = ["airline", "bank", "telco"];
    private static readonly string[] s_capPeriods = ["hour", "day", "week", "flight"];
    private static readonly TimeZoneInfo s_zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur");

    /// <summary>The test time in the site's zone: local time, site day and the UTC ticks where that day starts.</summary>
    internal static (DateTime LocalNow, int SiteDay, long DayStartUtcTicks) SiteClock()
    {
        var localNow = TimeZoneInfo.ConvertTime(TestCatalog.Now, s_zone).DateTime;
        return (localNow, (int)(localNow.Ticks / TimeSpan.TicksPerDay), TestCatalog.Now.UtcTicks - (localNow.Ticks % TimeSpan.TicksPerDay));
    }

    internal static string RandomRule(Random r)
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

    internal static Campaign RandomCampaign(Random r, int i)
    {
        var placements = s_placements.Where(_ => r.Next(2) == 0).DefaultIfEmpty("sidebar").ToArray();
        var creatives = new List<Creative>();
        if (placements.Contains("sidebar"))
        {
            creatives.Add(TestCatalog.Image($"c{i}-side", weight: r.Next(1, 4)));
            if (r.Next(3) == 0)
            {
                creatives.Add(TestCatalog.Image($"c{i}-tall", "300x600"));
            }
        }

        if (placements.Any(p => p != "sidebar"))
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
            Goal = r.Next(3) == 0 ? new CampaignGoal { Impressions = r.Next(1, 50_000), Per = r.Next(2) == 0 ? "day" : "flight" } : null,
            Pacing = r.Next(2) == 0 ? "even" : "asap",
            FrequencyCap = r.Next(3) == 0 ? new FrequencyCap { Impressions = r.Next(1, 4), Per = s_capPeriods[r.Next(s_capPeriods.Length)] } : null,
            ExclusionLabels = r.Next(3) == 0 ? [s_labels[r.Next(s_labels.Length)]] : [],
        };
    }

    /// <summary>Random delivered counts: some campaigns at their goal, some just either side of their even-pacing line.</summary>
    internal static InMemoryDeliveryLedger RandomLedger(Random r, CatalogDocument document, int siteDay, long dayStartUtcTicks)
    {
        var ledger = new InMemoryDeliveryLedger();
        foreach (var c in document.Campaigns.Where(c => c.Goal is not null))
        {
            var (start, end) = c.Goal!.Per == "day"
                ? (Math.Max(dayStartUtcTicks, c.Start!.Value.UtcTicks), Math.Min(dayStartUtcTicks + TimeSpan.TicksPerDay, c.End!.Value.UtcTicks))
                : (c.Start!.Value.UtcTicks, c.End!.Value.UtcTicks);
            var goal = c.Goal.Impressions ?? 0;
            var line = (long)Math.Ceiling(EvenPacing.Allowance(goal, start, end, TestCatalog.Now.UtcTicks));
            var served = r.Next(4) switch
            {
                0 => goal - r.Next(2), // at the goal, or one short
                1 => Math.Max(0, line - r.Next(2)), // at the even-pacing line, or one short
                2 => (long)(goal * r.NextDouble()), // somewhere on the way
                _ => 0,
            };
            ledger.SetFlightDelivered(c.Id, served);
            ledger.SetDayDelivered(c.Id, siteDay, served);
        }

        return ledger;
    }

    /// <summary>A viewer who has seen some capped campaigns up to (or past) their cap in the current window.</summary>
    internal static ViewerHistory RandomHistory(Random r, CatalogDocument document, DateTime localTime)
    {
        var counts = new Dictionary<FrequencyKey, int>();
        foreach (var c in document.Campaigns.Where(c => c.FrequencyCap is not null && r.Next(2) == 0))
        {
            var period = c.FrequencyCap!.Per switch { "hour" => CapPeriod.Hour, "week" => CapPeriod.Week, "flight" => CapPeriod.Flight, _ => CapPeriod.Day };
            counts[new FrequencyKey(c.Id, FrequencyWindows.Key(period, localTime))] = r.Next(0, c.FrequencyCap.Impressions + 1);
        }

        return new ViewerHistory(counts);
    }

    internal static DecisionRequest RandomRequest(Random r) => new()
    {
        Site = "suara",
        Slots = Enumerable.Range(0, r.Next(1, 5)).Select(i =>
        {
            var placement = s_placements[r.Next(s_placements.Length)];
            IReadOnlyList<CreativeSize>? sizes = placement == "sidebar" && r.Next(4) == 0 ? [new CreativeSize(300, 250)] : null;
            return new SlotRequest($"s{i}", placement, sizes);
        }).ToArray(),
        UserId = r.Next(3) == 0 ? null : "viewer",
        Context = new TargetingContext
        {
            Country = s_countries[r.Next(s_countries.Length)].ToLowerInvariant(),
            Device = s_devices[r.Next(s_devices.Length)],
            Section = s_sections[r.Next(s_sections.Length)],
            Keywords = new HashSet<string>(Enumerable.Range(0, r.Next(3)).Select(_ => $"K{r.Next(3)}"), StringComparer.OrdinalIgnoreCase),
        },
    };

    /// <summary>Walks the engine's result slot by slot against the oracle; returns the oracle's eligible sets.</summary>
    private static List<HashSet<string>> AssertConforms(NaiveSelector oracle, DecisionRequest request, DecisionResult result, ViewerHistory history)
    {
        Assert.Null(result.Errors);
        var page = new NaivePage();
        var sets = new List<HashSet<string>>();
        for (var s = 0; s < request.Slots.Count; s++)
        {
            var expected = oracle.Eligible(request, s, history, TestCatalog.Now, page).Select(c => c.Id).ToHashSet();
            sets.Add(expected);
            var pick = result.Slots[s];
            Assert.True(expected.Count == 0 == pick is null, $"slot {s}: engine chose {pick?.Campaign.Id ?? "nothing"}, oracle allows {string.Join(",", expected)}");
            if (pick is null)
            {
                continue;
            }

            Assert.True(expected.Contains(pick.Campaign.Id), $"slot {s}: engine chose {pick.Campaign.Id}, oracle allows {string.Join(",", expected)}");
            Assert.Contains(pick.Creative, oracle.FittingCreatives(pick.Campaign, request.Slots[s], page));
            page.Add(pick.Campaign, pick.Creative);
        }

        return sets;
    }

    [Theory]
    [InlineData(1, 60, 200)]
    // Large catalogs put 32+ candidates in a tier, where the engine samples by weight before it scans.
    [InlineData(150, 400, 30)]
    public void Decide_RandomCatalogsAndPages_AgreesWithNaiveOracle(int minCampaigns, int maxCampaigns, int iterations)
    {
        var (localNow, siteDay, dayStartUtcTicks) = SiteClock();
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var r = new Random(seed);
                var document = TestCatalog.Document([.. Enumerable.Range(0, r.Next(minCampaigns, maxCampaigns)).Select(i => RandomCampaign(r, i))]);
                var snapshot = CatalogSnapshotBuilder.Build(document, 1);
                var ledger = RandomLedger(r, document, siteDay, dayStartUtcTicks);
                var engine = new DecisionEngine(ledger, new SeededRandomSource(seed));
                var oracle = new NaiveSelector(document, ledger, seed);
                for (var i = 0; i < 10; i++)
                {
                    var request = RandomRequest(r);
                    var history = request.UserId is null ? ViewerHistory.Empty : RandomHistory(r, document, localNow);

                    AssertConforms(oracle, request, engine.Decide(snapshot, request, history, TestCatalog.Now), history);

                    // Explain walks every campaign: per slot, its eligible set (selected + outweighed) is exactly the oracle's.
                    var explained = engine.Decide(snapshot, request, history, TestCatalog.Now, explain: true);
                    var sets = AssertConforms(oracle, request, explained, history);
                    for (var s = 0; s < request.Slots.Count; s++)
                    {
                        var traced = explained.Explanations![s].Candidates
                            .Where(c => c.Outcome is CandidateOutcome.Selected or CandidateOutcome.Outweighed)
                            .Select(c => c.CampaignId).Order(StringComparer.Ordinal);
                        Assert.Equal(sets[s].Order(StringComparer.Ordinal), traced);
                    }
                }
            },
            iter: iterations,
            print: seed => $"seed {seed}");
    }

    [Fact]
    public void NaiveSelector_Decide_LeavesNoSlotEmptyThatTheEngineFills()
    {
        // The benchmarks' baseline (Decide) and the tests' oracle (Eligible) are one code: on a page whose every slot
        // has a candidate, the baseline fills every slot too.
        var document = TestCatalog.Document(
            TestCatalog.Campaign("a") with { Placements = ["sidebar", "article-top"], Creatives = [TestCatalog.Image("a1"), TestCatalog.Image("a2", "728x90")] },
            TestCatalog.Campaign("b") with { Placements = ["sidebar"], ExclusionLabels = ["airline"] });
        var request = Requests.Page(placements: ["sidebar", "article-top", "sidebar"]);
        var picks = new NaiveSelector(document, new InMemoryDeliveryLedger(), 3).Decide(request, ViewerHistory.Empty, TestCatalog.Now);
        var engine = new DecisionEngine(new InMemoryDeliveryLedger(), new SeededRandomSource(3)).Decide(CatalogSnapshotBuilder.Build(document, 1), request, ViewerHistory.Empty, TestCatalog.Now);

        Assert.Equal(engine.Slots.Select(s => s is null), picks.Select(p => p is null));
        Assert.All(picks, p => Assert.NotNull(p));
    }
}
