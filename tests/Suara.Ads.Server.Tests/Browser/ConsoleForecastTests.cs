using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using StackExchange.Redis;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Server.Tests.Support;
using Suara.Ads.Testing;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>
/// Issue 14 in a real browser: a week of generated traffic recorded in the sample, a trafficker opens a demo campaign in
/// the console and sees its forecast and what it would take from others; made a sponsorship, it wins more. Screenshot:
/// test-artifacts/console-forecast.png.
/// </summary>
public sealed class ConsoleForecastTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;

    public ConsoleForecastTests(BrowserFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Trafficker_OpensACampaign_SeesItsForecastAndWhatItTakesFromOthers()
    {
        await RecordWeekAsync();
        var key = await ConsoleSignIn.KeyAsync(_fixture, "forecaster", "trafficker");
        await using var session = await BrowserSession.OpenAsync(_fixture);
        var page = session.Page;
        await ConsoleSignIn.SubmitKeyAsync(page, session, key);

        // Opening a campaign forecasts it as it stands.
        await page.ClickAsync("button[aria-label='Edit skyway-london']");
        await page.WaitForFunctionAsync("() => document.querySelector('#forecast-summary').getAttribute('data-valid') === 'true'");
        var summary = await page.TextContentAsync("#forecast-summary") ?? "";
        Assert.Contains("impressions available", summary, StringComparison.Ordinal);
        Assert.Contains("projected from 7 recorded days", summary, StringComparison.Ordinal);
        Assert.True(await page.Locator("#forecast-days tbody tr").CountAsync() == 7, "one row a day");
        var takers = page.Locator("#forecast-contended tbody tr");
        Assert.True(await takers.CountAsync() > 0, "other campaigns take part of what it matches");
        var before = Available(summary);

        // As a sponsorship it would take more from the others: forecast again, nothing saved.
        await page.SelectOptionAsync("#campaign-priority", "sponsorship");
        await page.ClickAsync("#forecast-run");
        await page.WaitForFunctionAsync("previous => { const s = document.querySelector('#forecast-summary'); return s.getAttribute('data-valid') === 'true' && s.textContent !== previous; }", summary);
        var after = Available(await page.TextContentAsync("#forecast-summary") ?? "");
        Assert.True(after > before, $"a sponsorship wins more: {after} after, {before} before");
        Assert.Empty(session.Errors);
        await page.Locator("#campaign-forecast").ScreenshotAsync(new LocatorScreenshotOptions { Path = Artifacts.PathOf("console-forecast.png") });
        if (Environment.GetEnvironmentVariable("SUARA_DOC_IMAGES") == "1")
        {
            await page.Locator("#campaign-forecast").ScreenshotAsync(new LocatorScreenshotOptions { Path = RepositoryFiles.PathOf("docs", "images", "console-forecast.png") });
        }

        // A mistake in the form is marked on its field, as a save would mark it.
        await page.FillAsync("#campaign-targeting", "country ==");
        await page.ClickAsync("#forecast-run");
        await page.WaitForFunctionAsync("() => document.querySelector('#forecast-summary').getAttribute('data-valid') === 'false'");
        Assert.Equal("true", await page.GetAttributeAsync("#campaign-targeting", "aria-invalid"));
    }

    private static long Available(string summary) =>
        long.Parse(summary[..summary.IndexOf(" impressions available", StringComparison.Ordinal)].Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The 7 days before the server's today, as the sample would hold them: generated pages of the demo site, 1 in 10 recorded.</summary>
    private async Task RecordWeekAsync()
    {
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_fixture.Time.GetUtcNow(), zone).DateTime);
        var traffic = new GeneratedTraffic(seed: 7, viewers: 2_000) { Slots = ["article-top", "article-inline", "sidebar", "footer"] };
        for (var date = today.AddDays(-7); date < today; date = date.AddDays(1))
        {
            var (counts, records) = traffic.Sample(date, traffic.Day(date, 10_000), 0.1);
            var day = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var fields = new List<HashEntry> { new("f", counts.Filled), new("i", counts.Impressions) };
            for (var h = 0; h < 24; h++)
            {
                fields.Add(new HashEntry($"r:{h}", counts.RequestsByHour[h]));
                fields.Add(new HashEntry($"s:{h}", counts.SampledByHour[h]));
            }

            await db.HashSetAsync($"{_fixture.KeyPrefix}{{fs:suara}}:n:{day}", [.. fields]);
            await db.ListRightPushAsync($"{_fixture.KeyPrefix}{{fs:suara}}:s:{day}", [.. records.Select(r => (RedisValue)TrafficSampling.Serialize(r))]);
        }
    }
}
