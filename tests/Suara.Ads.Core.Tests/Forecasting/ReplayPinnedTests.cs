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
    private const string PinnedDigest = "33A93609C34A8C6569E81CC1C9823B07B688D1B453465F865CB6CEA3024D8E3F";

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
    /// tier is large enough to be sampled (the benchmark's fillers), with caps per day and week, goals per day and
    /// flight (some reached before the forecast begins), even and asap pacing, and a sponsorship draft with a cap.
    /// </summary>
    internal static ForecastOutcome Forecast()
    {
        var traffic = new GeneratedTraffic(seed: 7, viewers: 800);
        var compiler = new SampleCompiler();
        var start = new DateOnly(2026, 11, 2);
        var days = Enumerable.Range(0, 14).Select(d =>
        {
            var date = start.AddDays(d);
            var (counts, records) = traffic.Sample(date, traffic.Day(date, 3_000), 0.5, impressionShare: 0.8);
            return compiler.Compile(traffic.Site, date, counts, records);
        }).ToArray();

        var catalog = GeneratedTraffic.WithFillers(GeneratedTraffic.Catalog(FlightStart, FlightEnd), 100);
        var draft = catalog.Campaigns.First(c => c.Id == "capped") with { Id = "draft", Priority = "sponsorship", Targeting = "country in ('MY', 'SG') and device == 'mobile'" };
        var snapshot = CatalogSnapshotBuilder.Build(catalog with { Campaigns = [.. catalog.Campaigns, draft] }, 1);

        var from = start.AddDays(15);
        var plan = ForecastPlanner.Plan(days, start.AddDays(14), from, from.AddDays(6));
        return ForecastReplay.Run(snapshot, "draft", plan, id => id == "flight-asap" ? 20_000 : id.StartsWith("filler-", StringComparison.Ordinal) ? 8_000 : 0, seed: 3);
    }
}
