using Microsoft.Extensions.Time.Testing;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Tests.Support;
using static Suara.Ads.Core.Tests.Support.TestCatalog;

namespace Suara.Ads.Core.Tests.Selection;

public sealed class DecisionEngineTests
{
    private static readonly ViewerDigest s_viewers = new("test-signing-key-0123456789-0123456789");
    private readonly InMemoryDeliveryLedger _ledger = new();

    private DecisionResult Decide(CatalogDocument document, DecisionRequest? request = null, DateTimeOffset? now = null, int seed = 1, bool explain = false, ViewerHistory? history = null)
    {
        var snapshot = CatalogSnapshotBuilder.Build(document, 1);
        request ??= Requests.Page();
        var result = new DecisionEngine(_ledger, new SeededRandomSource(seed)).Decide(snapshot, request, history ?? ViewerHistory.Empty, now ?? Now, explain);
        Assert.Null(result.Errors);
        return result;
    }

    private string? Winner(CatalogDocument document, DecisionRequest? request = null, DateTimeOffset? now = null) =>
        Decide(document, request, now).Slots[0]?.Campaign.Id;

    [Fact]
    public void Decide_MatchingCampaign_FillsSlot()
    {
        var result = Decide(Document(Campaign("a")));
        var slot = Assert.Single(result.Slots);
        Assert.NotNull(slot);
        Assert.Equal("a", slot.Campaign.Id);
        Assert.Equal("a-300", slot.Creative.Id);
        Assert.Equal(new CreativeSize(300, 250), slot.Size);
    }

    [Fact]
    public void Decide_EmptyCatalogOrNoCandidate_IsNoFill()
    {
        Assert.Null(Winner(Document(Campaign("a") with { Placements = ["footer"], Creatives = [Image("f", "728x90")] })));
    }

    [Theory]
    [InlineData("paused")]
    [InlineData("archived")]
    public void Decide_InactiveCampaign_IsNotServed(string status) =>
        Assert.Null(Winner(Document(Campaign("a") with { Status = status })));

    [Fact]
    public void Decide_BeforeStartOrAfterEnd_IsNotServed()
    {
        var doc = Document(Campaign("a"));
        Assert.Null(Winner(doc, now: FlightStart.AddSeconds(-1)));
        Assert.Equal("a", Winner(doc, now: FlightStart));
        Assert.Equal("a", Winner(doc, now: FlightEnd));
        Assert.Null(Winner(doc, now: FlightEnd.AddSeconds(1)));
    }

    [Fact]
    public void Decide_OpenEndedCampaign_Serves()
    {
        Assert.Equal("a", Winner(Document(Campaign("a") with { Start = null, End = null }), now: new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Decide_OnlyCreativesThatFitThePlacement_AreCandidates()
    {
        var doc = Document(Campaign("a") with
        {
            Placements = ["sidebar", "article-top", "footer"],
            Creatives = [Image("side"), Image("top", "728x90"), Text("foot", "728x90")],
        });
        for (var seed = 0; seed < 20; seed++)
        {
            var result = Decide(doc, Requests.Page(placements: ["article-top"]), seed: seed);
            Assert.Equal("top", result.Slots[0]!.Creative.Id);
        }

        // The footer takes text and image at 728x90: both fit, the html one would not.
        var footer = Enumerable.Range(0, 40).Select(s => Decide(doc, Requests.Page(placements: ["footer"]), seed: s).Slots[0]!.Creative.Id).ToHashSet();
        Assert.Equal(["foot", "top"], footer.Order());
    }

    [Theory]
    [InlineData("country in ('MY', 'SG')", true)]
    [InlineData("country == 'SG'", false)]
    [InlineData("device == 'mobile' and section == 'news'", true)]
    [InlineData("not section == 'news'", false)]
    [InlineData("placement == 'sidebar'", true)]
    [InlineData("placement == 'footer'", false)]
    [InlineData("site == 'suara'", true)]
    // Now is 12:00 on a Monday in Kuala Lumpur (04:00 UTC): hour and weekday are in the site's time zone.
    [InlineData("hour == 12 and weekday == 'mon'", true)]
    [InlineData("hour == 4", false)]
    public void Decide_Targeting_DecidesEligibility(string rule, bool serves) =>
        Assert.Equal(serves ? "a" : null, Winner(Document(Campaign("a") with { Targeting = rule })));

    [Fact]
    public void Decide_FlightGoalReached_IsNotServed()
    {
        var doc = Document(Campaign("a") with { Goal = new CampaignGoal { Impressions = 100, Per = "flight" } });
        _ledger.SetFlightDelivered("a", 99);
        Assert.Equal("a", Winner(doc));
        _ledger.SetFlightDelivered("a", 100);
        Assert.Null(Winner(doc));
    }

    [Fact]
    public void Decide_DayGoalReached_IsNotServedThatDayOnly()
    {
        var doc = Document(Campaign("a") with { Goal = new CampaignGoal { Impressions = 10, Per = "day" } });
        var result = Decide(doc);
        _ledger.SetDayDelivered("a", result.SiteDay, 10);
        Assert.Null(Winner(doc));
        Assert.Equal("a", Winner(doc, now: Now.AddDays(1)));
    }

    [Fact]
    public void Decide_EvenPacingAheadOfSchedule_IsHeldBack()
    {
        var campaign = Campaign("a") with
        {
            Start = Now.AddDays(-5),
            End = Now.AddDays(5),
            Pacing = "even",
            Goal = new CampaignGoal { Impressions = 10_000, Per = "flight" },
        };
        var doc = Document(campaign);

        // Half the flight has passed: 5,000 is on schedule, and the lead is 1 % of the goal.
        _ledger.SetFlightDelivered("a", 5_050);
        Assert.Equal("a", Winner(doc));
        _ledger.SetFlightDelivered("a", 5_100);
        Assert.Null(Winner(doc));

        // asap pacing ignores the schedule.
        Assert.Equal("a", Winner(Document(campaign with { Pacing = "asap" })));
    }

    [Fact]
    public void Decide_EvenDayPacing_SpreadsOverTheSiteDay()
    {
        // 12:00 in Kuala Lumpur: half the site's day has passed.
        var doc = Document(Campaign("a") with { Pacing = "even", Goal = new CampaignGoal { Impressions = 1_000, Per = "day" } });
        var day = Decide(doc).SiteDay;
        _ledger.SetDayDelivered("a", day, 505);
        Assert.Equal("a", Winner(doc));
        _ledger.SetDayDelivered("a", day, 510);
        Assert.Null(Winner(doc));
        Assert.Equal("a", Winner(doc, now: Now.AddHours(2)));
    }

    [Fact]
    public void EvenPacingAllowance_IsStraightLinePlusLead()
    {
        Assert.Equal(1.0, EvenPacing.Allowance(10, 0, 100, 0));
        Assert.Equal(5_000 + 100, EvenPacing.Allowance(10_000, 0, 100, 50), 6);
        Assert.Equal(10_000 + 100, EvenPacing.Allowance(10_000, 0, 100, 500), 6);
    }

    [Fact]
    public void Decide_HigherTierWins_AndLowerTierFillsWhenItCannot()
    {
        var sponsor = Campaign("sponsor") with { Priority = "sponsorship", Weight = 1 };
        var standard = Campaign("standard") with { Weight = 1_000_000 };
        var house = Campaign("house") with { Priority = "house", Weight = 1_000_000 };
        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal("sponsor", Decide(Document(sponsor, standard, house), seed: seed).Slots[0]!.Campaign.Id);
        }

        Assert.Equal("standard", Winner(Document(sponsor with { Status = "paused" }, standard, house)));
        Assert.Equal("house", Winner(Document(sponsor with { Targeting = "country == 'SG'" }, standard with { Targeting = "country == 'SG'" }, house)));
    }

    [Fact]
    public void Decide_Weights_SplitDeliveryInProportion()
    {
        // Fixed seed, 4,000 draws at 3:1: expect 3,000 ± 4 standard deviations (sd ≈ 27).
        var doc = Document(Campaign("heavy") with { Weight = 300 }, Campaign("light") with { Weight = 100 });
        var snapshot = CatalogSnapshotBuilder.Build(doc, 1);
        var engine = new DecisionEngine(_ledger, new SeededRandomSource(42));
        var heavy = 0;
        for (var i = 0; i < 4_000; i++)
        {
            if (engine.Decide(snapshot, Requests.Page(), ViewerHistory.Empty, Now).Slots[0]!.Campaign.Id == "heavy")
            {
                heavy++;
            }
        }

        Assert.InRange(heavy, 3_000 - 110, 3_000 + 110);
    }

    [Fact]
    public void Decide_LargeTierWithFewEligible_StillSplitsByWeight()
    {
        // 40 candidates make the tier large enough to be sampled; 38 of them never match, so most draws are
        // rejected and the engine falls back to scanning. Expect 3:1 between the two that can serve.
        var blocked = Enumerable.Range(0, 38).Select(i => Campaign($"sg{i}") with { Targeting = "not section == 'news'", Weight = 1_000 });
        var doc = Document([.. blocked, Campaign("heavy") with { Weight = 300 }, Campaign("light") with { Weight = 100 }]);
        var snapshot = CatalogSnapshotBuilder.Build(doc, 1);
        var engine = new DecisionEngine(_ledger, new SeededRandomSource(11));
        var heavy = Enumerable.Range(0, 4_000).Count(_ => engine.Decide(snapshot, Requests.Page(), ViewerHistory.Empty, Now).Slots[0]!.Campaign.Id == "heavy");
        Assert.InRange(heavy, 3_000 - 110, 3_000 + 110);
    }

    [Fact]
    public void Decide_LargeTierSampled_FollowsWeightsAndSkipsIneligible()
    {
        // 60 eligible campaigns of weights 1..60 and 20 heavy ineligible ones: campaign k should win k/1830 of the time.
        var eligible = Enumerable.Range(1, 60).Select(k => Campaign($"c{k}") with { Weight = k });
        var ineligible = Enumerable.Range(0, 20).Select(i => Campaign($"x{i}") with { Weight = 500, Targeting = "device == 'desktop'" });
        var snapshot = CatalogSnapshotBuilder.Build(Document([.. eligible, .. ineligible]), 1);
        var engine = new DecisionEngine(_ledger, new SeededRandomSource(5));
        var wins = new Dictionary<string, int>();
        const int Draws = 30_000;
        for (var i = 0; i < Draws; i++)
        {
            var id = engine.Decide(snapshot, Requests.Page(), ViewerHistory.Empty, Now).Slots[0]!.Campaign.Id;
            wins[id] = wins.GetValueOrDefault(id) + 1;
        }

        Assert.DoesNotContain(wins.Keys, id => id.StartsWith('x'));
        // Chi-square over the 60 cells: 59 degrees of freedom, 99.9th percentile is about 98.
        var chi = Enumerable.Range(1, 60).Sum(k =>
        {
            var expected = Draws * k / 1830.0;
            var observed = wins.GetValueOrDefault($"c{k}");
            return (observed - expected) * (observed - expected) / expected;
        });
        Assert.True(chi < 98, $"chi-square {chi:0.0}");
    }

    [Fact]
    public void Decide_CreativeWeights_SplitInProportion()
    {
        var doc = Document(Campaign("a", Image("x", weight: 1), Image("y", weight: 4)));
        var snapshot = CatalogSnapshotBuilder.Build(doc, 1);
        var engine = new DecisionEngine(_ledger, new SeededRandomSource(7));
        var y = Enumerable.Range(0, 2_000).Count(_ => engine.Decide(snapshot, Requests.Page(), ViewerHistory.Empty, Now).Slots[0]!.Creative.Id == "y");
        Assert.InRange(y, 1_600 - 80, 1_600 + 80); // sd ≈ 18
    }

    [Fact]
    public void Decide_SlotSizes_RestrictTheCreatives()
    {
        var doc = Document(Campaign("a") with
        {
            Placements = ["article-top"],
            Creatives = [Image("wide", "728x90"), Image("narrow", "320x50")],
        });
        var wide = new DecisionRequest
        {
            Site = "suara",
            Slots = [new SlotRequest("top", "article-top", [new CreativeSize(728, 90)])],
            Context = new Suara.Ads.Core.Targeting.TargetingContext(),
        };
        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal("wide", Decide(doc, wide, seed: seed).Slots[0]!.Creative.Id);
        }

        // A size the placement takes but no creative has: nothing fits, and explain says so.
        var none = Document(Campaign("a") with { Placements = ["article-top"], Creatives = [Image("narrow", "320x50")] });
        var result = Decide(none, wide, explain: true);
        Assert.Null(result.Slots[0]);
        Assert.Equal(CandidateOutcome.NoFittingCreative, Assert.Single(result.Explanations![0].Candidates).Outcome);
    }

    [Fact]
    public void Decide_SlotSizeThePlacementDoesNotTake_IsReportedAndThatSlotIsEmpty()
    {
        var snapshot = CatalogSnapshotBuilder.Build(Document(Campaign("a")), 1);
        var request = new DecisionRequest
        {
            Site = "suara",
            Slots = [new SlotRequest("s", "sidebar", [new CreativeSize(728, 90)])],
            Context = new Suara.Ads.Core.Targeting.TargetingContext(),
        };
        var result = new DecisionEngine(_ledger, new SeededRandomSource(1)).Decide(snapshot, request, ViewerHistory.Empty, Now);
        Assert.Null(result.Errors);
        Assert.Equal("placement 'sidebar' takes 300x250, 300x600, not 728x90", result.SlotErrors![0]);
        Assert.False(result.SlotValid(0));
        Assert.Null(result.Slots[0]);
    }

    [Fact]
    public void Decide_SameCreativeNeverTwiceOnAPage()
    {
        var doc = Document(Campaign("a") with { Weight = 1_000 }, Campaign("b") with { Weight = 1 });
        for (var seed = 0; seed < 20; seed++)
        {
            var result = Decide(doc, Requests.Page(placements: ["sidebar", "sidebar", "sidebar"]), seed: seed);
            Assert.Equal(["a", "b"], result.Slots.Take(2).Select(s => s!.Campaign.Id).Order());
            Assert.Null(result.Slots[2]);
        }
    }

    [Fact]
    public void Decide_CampaignWithSeveralCreatives_MayFillSeveralSlotsWithDifferentCreatives()
    {
        var doc = Document(Campaign("a", Image("x"), Image("y")) with { ExclusionLabels = ["airline"] });
        var result = Decide(doc, Requests.Page(placements: ["sidebar", "sidebar"]));
        Assert.Equal(["x", "y"], result.Slots.Select(s => s!.Creative.Id).Order());
    }

    [Fact]
    public void Decide_SharedExclusionLabel_NeverTogetherOnAPage()
    {
        var doc = Document(
            Campaign("sky") with { ExclusionLabels = ["airline"], Weight = 1_000 },
            Campaign("jet") with { ExclusionLabels = ["airline", "budget"], Weight = 1_000 },
            Campaign("hotel") with { ExclusionLabels = ["hotel"], Weight = 1 });
        for (var seed = 0; seed < 30; seed++)
        {
            var ids = Decide(doc, Requests.Page(placements: ["sidebar", "sidebar", "sidebar"]), seed: seed).Slots.Select(s => s?.Campaign.Id).ToArray();
            Assert.Single(ids, id => id is "sky" or "jet");
            Assert.Contains("hotel", ids);
            Assert.Null(ids[2]);
        }
    }

    [Fact]
    public async Task DecideAsync_ASlotTheCatalogLacks_CountsAsNothing_AndTheOthersAreRecordedAsUsual()
    {
        var doc = Document(Campaign("a") with { FrequencyCap = new FrequencyCap { Impressions = 2, Per = "day" } });
        var snapshot = CatalogSnapshotBuilder.Build(doc, 1);
        var counts = new Suara.Ads.Core.Counting.EventAggregate();
        var frequency = new InMemoryFrequencyStore();
        var service = new DecisionService(new DecisionEngine(_ledger, new SeededRandomSource(1)), _ledger, frequency, s_viewers, new FakeTimeProvider(Now), counts);
        var day = FrequencyWindows.Key(CapPeriod.Day, TimeZoneInfo.ConvertTime(Now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur")).DateTime);

        var result = await service.DecideAsync(snapshot, Requests.Page("u1", placements: ["sidebar", "missing"]), false, default);

        Assert.Equal("a", result.Slots[0]?.Campaign.Id);
        Assert.Null(result.Slots[1]);
        Assert.Null(result.Errors);
        Assert.Equal([null, "unknown placement 'missing'"], result.SlotErrors!);
        Assert.Equal(0, _ledger.GetFlightDelivered("a"));
        Assert.Equal(1, counts.Pending); // the served ad, and nothing for the slot that could not be decided
        Assert.Equal(1, (await frequency.GetAsync(s_viewers.Of("u1"), default)).Count("a", day));

        // An unknown site records nothing at all.
        var unknown = await service.DecideAsync(snapshot, new DecisionRequest { Site = "nowhere", Slots = [new SlotRequest("s", "sidebar")], UserId = "u1", Context = new() }, false, default);
        Assert.NotNull(unknown.Errors);
        Assert.Equal(1, counts.Pending);
        Assert.Equal(1, (await frequency.GetAsync(s_viewers.Of("u1"), default)).Count("a", day));
    }

    [Fact]
    public async Task DecideAsync_FrequencyCap_AppliesPerViewerAndWindow()
    {
        var doc = Document(Campaign("a") with { FrequencyCap = new FrequencyCap { Impressions = 2, Per = "day" } });
        var snapshot = CatalogSnapshotBuilder.Build(doc, 1);
        var time = new FakeTimeProvider(Now);
        var counts = new Suara.Ads.Core.Counting.EventAggregate();
        var service = new DecisionService(new DecisionEngine(_ledger, new SeededRandomSource(1)), _ledger, new InMemoryFrequencyStore(), s_viewers, time, counts);
        async Task<string?> Serve(string? user) => (await service.DecideAsync(snapshot, Requests.Page(user), false, default)).Slots[0]?.Campaign.Id;

        Assert.Equal("a", await Serve("u1"));
        Assert.Equal("a", await Serve("u1"));
        Assert.Null(await Serve("u1"));
        Assert.Equal("a", await Serve("u2"));
        Assert.Equal("a", await Serve(null)); // no viewer id: caps cannot apply
        Assert.Equal(2 + 1 + 1, counts.Pending); // served

        // 12 hours on it is the next day in Kuala Lumpur.
        time.Advance(TimeSpan.FromHours(12));
        Assert.Equal("a", await Serve("u1"));
    }

    [Theory]
    [InlineData("hour", 1, 3)]
    [InlineData("week", 24 * 7, 24 * 2)]
    [InlineData("flight", 24 * 30, 24 * 2)]
    public async Task DecideAsync_FrequencyCapWindows_ResetAtTheirBoundary(string per, int hoursToReset, int hoursStillCapped)
    {
        var doc = Document(Campaign("a") with { End = Now.AddDays(20), FrequencyCap = new FrequencyCap { Impressions = 1, Per = per } });
        var snapshot = CatalogSnapshotBuilder.Build(doc, 1);
        var time = new FakeTimeProvider(Now);
        var service = new DecisionService(new DecisionEngine(_ledger, new SeededRandomSource(1)), _ledger, new InMemoryFrequencyStore(), s_viewers, time);
        async Task<string?> Serve() => (await service.DecideAsync(snapshot, Requests.Page("u"), false, default)).Slots[0]?.Campaign.Id;

        Assert.Equal("a", await Serve());
        Assert.Null(await Serve());
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Null(await Serve());
        if (per != "hour")
        {
            time.Advance(TimeSpan.FromHours(hoursStillCapped));
            Assert.Null(await Serve());
        }

        time.SetUtcNow(Now.AddHours(hoursToReset));
        Assert.Equal(per == "flight" ? null : "a", await Serve());
    }

    [Fact]
    public async Task DecideAsync_ExplainIsADryRun()
    {
        var snapshot = CatalogSnapshotBuilder.Build(Document(Campaign("a")), 1);
        var service = new DecisionService(new DecisionEngine(_ledger, new SeededRandomSource(1)), _ledger, new InMemoryFrequencyStore(), s_viewers, new FakeTimeProvider(Now));
        var result = await service.DecideAsync(snapshot, Requests.Page("u"), true, default);
        Assert.Equal("a", result.Slots[0]!.Campaign.Id);
        Assert.Equal(0, _ledger.GetFlightDelivered("a"));
    }

    [Fact]
    public void Decide_Explain_GivesEveryCandidateAndWhyItLost()
    {
        var doc = Document(
            Campaign("win") with { Weight = 1_000_000 },
            Campaign("out") with { Weight = 1 },
            Campaign("house") with { Priority = "house" },
            Campaign("geo") with { Targeting = "country == 'MY' and device == 'desktop'" },
            Campaign("paused") with { Status = "paused" },
            Campaign("old") with { End = FlightStart.AddDays(1) },
            Campaign("done") with { Goal = new CampaignGoal { Impressions = 5, Per = "flight" } },
            Campaign("paced") with { Pacing = "even", Goal = new CampaignGoal { Impressions = 1_000_000, Per = "flight" } },
            Campaign("capped") with { FrequencyCap = new FrequencyCap { Impressions = 1, Per = "day" } },
            Campaign("top-only") with { Placements = ["sidebar", "article-top"], Creatives = [Image("t", "728x90")] });
        _ledger.SetFlightDelivered("done", 5);
        _ledger.SetFlightDelivered("paced", 900_000);
        var request = Requests.Page("u");
        var window = FrequencyWindows.Key(CapPeriod.Day, TimeZoneInfo.ConvertTime(Now, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur")).DateTime);
        var history = new ViewerHistory(new Dictionary<FrequencyKey, int> { [new FrequencyKey("capped", window)] = 1 });

        var result = Decide(doc, request, explain: true, history: history);

        var traces = Assert.Single(result.Explanations!).Candidates.ToDictionary(c => c.CampaignId);
        Assert.Equal(10, traces.Count);
        Assert.Equal(CandidateOutcome.Selected, traces["win"].Outcome);
        Assert.Equal("win-300", traces["win"].CreativeId);
        Assert.Equal(CandidateOutcome.Outweighed, traces["out"].Outcome);
        Assert.Equal(CandidateOutcome.LowerTier, traces["house"].Outcome);
        Assert.Equal(CandidateOutcome.Targeting, traces["geo"].Outcome);
        Assert.Equal("device == 'desktop'", traces["geo"].Detail);
        Assert.Equal(CandidateOutcome.Inactive, traces["paused"].Outcome);
        Assert.Equal(CandidateOutcome.OutOfFlight, traces["old"].Outcome);
        Assert.Equal(CandidateOutcome.GoalReached, traces["done"].Outcome);
        Assert.Equal(CandidateOutcome.Paced, traces["paced"].Outcome);
        Assert.Equal(CandidateOutcome.Capped, traces["capped"].Outcome);
        Assert.Equal(CandidateOutcome.NoFittingCreative, traces["top-only"].Outcome);
        Assert.Equal("win", result.Slots[0]!.Campaign.Id);
    }

    [Fact]
    public void Decide_Explain_ReportsExclusionAndDuplicates()
    {
        var doc = Document(Campaign("sky") with { ExclusionLabels = ["airline"], Weight = 1_000 }, Campaign("jet") with { ExclusionLabels = ["airline"], Weight = 1 });
        var result = Decide(doc, Requests.Page(placements: ["sidebar", "sidebar"]), explain: true);
        var second = result.Explanations![1].Candidates.ToDictionary(c => c.CampaignId);
        var first = result.Slots[0]!.Campaign.Id;
        var other = first == "sky" ? "jet" : "sky";
        Assert.Equal(CandidateOutcome.DuplicateCreative, second[first].Outcome);
        Assert.Equal(CandidateOutcome.Excluded, second[other].Outcome);
        Assert.Contains("airline", second[other].Detail, StringComparison.Ordinal);
        Assert.Null(result.Slots[1]);
    }

    [Fact]
    public void Decide_UnknownSiteOrPlacementOrDuplicateSlot_IsReported()
    {
        var snapshot = CatalogSnapshotBuilder.Build(Document(Campaign("a")), 1);
        var engine = new DecisionEngine(_ledger, new SeededRandomSource(1));
        var request = new DecisionRequest
        {
            Site = "nope",
            Slots = [new SlotRequest("a", "sidebar"), new SlotRequest("a", "missing")],
            Context = new(),
        };
        var errors = engine.Decide(snapshot, request, ViewerHistory.Empty, Now).Errors!.ToDictionary();
        Assert.Equal(["site"], errors.Keys);
        Assert.Equal("unknown site 'nope'", Assert.Single(errors["site"]));

        var page = engine.Decide(snapshot, new DecisionRequest { Site = "suara", Slots = [new SlotRequest("a", "sidebar"), new SlotRequest("a", "sidebar"), new SlotRequest("b", "missing"), new SlotRequest("c", "sidebar")], Context = new() }, ViewerHistory.Empty, Now);
        Assert.Null(page.Errors);
        Assert.Equal([null, "the slot id 'a' is used by an earlier slot; only that one is decided", "unknown placement 'missing'", null], page.SlotErrors!);
        Assert.NotNull(page.Slots[0]);
        Assert.Null(page.Slots[1]);
        Assert.Null(page.Slots[2]);
    }

    [Fact]
    public void Decide_OneSlotTheCatalogLacks_ReportsItAndStillDecidesTheOthers()
    {
        var snapshot = CatalogSnapshotBuilder.Build(Document(Campaign("a")), 1);
        var request = Requests.Page(placements: ["sidebar", "missing"]);

        var result = new DecisionEngine(_ledger, new SeededRandomSource(1)).Decide(snapshot, request, ViewerHistory.Empty, Now);

        Assert.Equal("a", result.Slots[0]?.Campaign.Id);
        Assert.Null(result.Slots[1]);
        Assert.Null(result.Errors);
        Assert.Equal([null, "unknown placement 'missing'"], result.SlotErrors!);
    }

    [Fact]
    public void Decide_ValidRequest_LeavesTheRequestsContextAsItCame()
    {
        var snapshot = CatalogSnapshotBuilder.Build(Document(Campaign("a") with { Targeting = "placement == 'sidebar' and hour >= 0" }), 1);
        var request = Requests.Page();
        var context = request.Context;
        var before = (context.Site, context.Placement, context.Hour, context.Weekday, context.Country, context.Section);

        var result = new DecisionEngine(_ledger, new SeededRandomSource(1)).Decide(snapshot, request, ViewerHistory.Empty, Now, explain: true);

        Assert.Equal("a", result.Slots[0]?.Campaign.Id);
        Assert.Same(context, request.Context);
        Assert.Equal(before, (context.Site, context.Placement, context.Hour, context.Weekday, context.Country, context.Section));
    }
}
