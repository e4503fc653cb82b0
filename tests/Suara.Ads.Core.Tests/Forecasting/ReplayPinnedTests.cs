using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Testing;
using Xunit.Abstractions;
using static Suara.Ads.Core.Tests.Support.TestCatalog;

namespace Suara.Ads.Core.Tests.Forecasting;

/// <summary>
/// The replay's figures pinned to the last bit: a change made for speed must forecast exactly what the replay forecast
/// before it (the figures were taken from the replay at <c>0d6fc22</c>). A replay that decides, counts a cap, draws a
/// random number or scales a fill differently changes the digest.
/// </summary>
public sealed class ReplayPinnedTests
{
    // ForecastDigest of the outcome below (every figure in round-trip form, hashed), taken from the replay at 0d6fc22.
    private const string PinnedDigest = "25940C99CAC7E73BEBC072550C84F21ACE08B68CB560CF058EC8A5A1332BFDCB";

    private readonly ITestOutputHelper _output;

    public ReplayPinnedTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Replay_GeneratedTwoWeeks_ForecastsExactlyThePinnedFigures()
    {
        var outcome = Forecast();
        var digest = ForecastDigest.Of(outcome);
        _output.WriteLine(ForecastDigest.Describe(outcome));
        _output.WriteLine(digest);

        Assert.Equal(PinnedDigest, digest);
    }

    /// <summary>
    /// Two weeks recorded at half the viewers (so a week's day replays two replicas, and each fill becomes an impression
    /// at 0.8, a random draw per capped fill), forecast over the week after a warm-up day, on a catalog whose standard
    /// tier is large enough to be sampled, with caps per hour, day, week and flight, goals per day and flight, even
    /// and asap pacing, and a sponsorship draft with a cap.
    /// </summary>
    internal static ForecastOutcome Forecast()
    {
        var traffic = new GeneratedTraffic(seed: 7, viewers: 800);
        var compiler = new SampleCompiler();
        var start = new DateOnly(2026, 11, 2);
        var days = Enumerable.Range(0, 14).Select(d =>
        {
            var date = start.AddDays(d);
            var (counts, records) = traffic.Sample(date, traffic.Day(date, 1_500), 0.5, impressionShare: 0.8);
            return compiler.Compile(traffic.Site, date, counts, records);
        }).ToArray();

        var catalog = GeneratedTraffic.Catalog(FlightStart, FlightEnd);
        string?[] rules =
        [
            "country == 'MY' and section == 'news'", "country == 'SG'", "device == 'desktop' and section in ('business', 'news')",
            "section == 'sport' and hour between 17 and 23", "keywords contains 'football'", "path startswith '/TRAVEL/'",
            "country in ('ID', 'BN') or section == 'lifestyle'", "device == 'tablet'", null,
        ];
        string[] periods = ["hour", "day", "week", "flight"];
        var random = new Random(11);
        var template = catalog.Campaigns.First(c => c.Id == "house");
        var fillers = Enumerable.Range(0, 48).Select(i => template with
        {
            Id = $"filler-{i}",
            Name = $"filler {i}",
            Priority = "standard",
            Weight = 1 + random.Next(200),
            Targeting = rules[i % rules.Length],
            Goal = i % 3 == 0 ? new CampaignGoal { Impressions = 500 + random.Next(5_000), Per = i % 2 == 0 ? "day" : "flight" } : null,
            Pacing = i % 2 == 0 ? "even" : "asap",
            FrequencyCap = i % 4 == 1 ? new FrequencyCap { Impressions = 1 + random.Next(3), Per = periods[i / 4 % 4] } : null,
            ExclusionLabels = i % 11 == 0 ? ["airline"] : [],
        });
        var draft = catalog.Campaigns.First(c => c.Id == "capped") with { Id = "draft", Priority = "sponsorship", Targeting = "country in ('MY', 'SG') and device == 'mobile'" };
        var snapshot = CatalogSnapshotBuilder.Build(catalog with { Campaigns = [.. catalog.Campaigns, .. fillers, draft] }, 1);

        var from = start.AddDays(15);
        var plan = ForecastPlanner.Plan(days, start.AddDays(14), from, from.AddDays(6));
        return ForecastReplay.Run(snapshot, "draft", plan, id => id == "flight-asap" ? 20_000 : 0, seed: 3);
    }
}
