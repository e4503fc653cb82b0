using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Tests.Support;
using Suara.Ads.Testing;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>
/// The report pages after a week of real traffic: the publisher's page shows the slots requested and filled and the
/// revenue, the advertiser's page the spend, viewability and reach, each what was sent. Leaves screenshots in
/// <c>test-artifacts/</c>, and refreshes the docs' (<c>docs/images/</c>) when <c>SUARA_DOC_IMAGES=1</c>.
/// </summary>
public sealed class MoneyReportPageTests : IClassFixture<BrowserFixture>
{
    private static readonly int[] s_pagesPerDay = [28, 38, 48, 34, 52, 62, 44];

    /// <summary>How much of the top of a page the docs' pictures show: the query, tiles, charts and the first rows.</summary>
    private const int DocImageHeight = 1500;

    private readonly BrowserFixture _fixture;

    public MoneyReportPageTests(BrowserFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task ReportPages_AfterAWeekOfTraffic_ShowTheSiteAndTheAdvertiserAsSent()
    {
        // Arrange: a week of pages through the real endpoints, then a flush; skyway's own report key.
        TestRedis.Connect().Dispose();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_fixture.BaseUrl) };
        var traffic = await WeekOfTraffic.SendAsync(client, (FakeTimeProvider)_fixture.Time, s_pagesPerDay, seed: 20261130);
        await _fixture.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        var skywayKey = await ReportKeyAsync(client, "skyway");
        var from = WeekOfTraffic.Format(traffic.First);
        var to = WeekOfTraffic.Format(traffic.Last);
        Assert.True(traffic.Filled < traffic.Requested, "every slot filled: the fill rate shows nothing");

        await using var session = await BrowserSession.OpenAsync(_fixture);
        var page = session.Page;
        await page.GotoAsync(session.Absolute("/reports"));

        // The publisher's page (the admin key: admins, traffickers and reporters read sites).
        await ShowAsync(page, AdsServerFactory.AdminKey, "site", "suara", from, to);
        Assert.Equal("Site suara", await page.TextContentAsync("#title"));
        Assert.Equal(traffic.Requested.ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "requested"));
        Assert.Equal(traffic.Filled.ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "filled"));
        AssertPercent(Math.Round((double)traffic.Filled / traffic.Requested, 6), await TileAsync(page, "fill-rate"));
        Assert.Equal(Sum(traffic, s => s.Impressions).ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "impressions"));
        Assert.Equal(Sum(traffic, s => s.Viewable).ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "viewable"));
        Assert.Equal(Sum(traffic, s => s.Clicks).ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "clicks"));
        var revenue = DemoCatalog.CampaignIds
            .Where(c => DemoCatalog.Rate(c) is not null)
            .Select(c => (DemoCatalog.Rate(c)!.Value.Currency, Spend: Spend(c, traffic)))
            .Where(c => c.Spend != 0)
            .GroupBy(c => c.Currency, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Money(g.Sum(c => c.Spend), g.Key));
        Assert.Equal(revenue, await AmountsAsync(page, ".tile[data-metric=revenue] .tile-value"));

        // Two charts, a point per day: requested and filled; the fill rate.
        Assert.Equal("Requested and filled", await page.TextContentAsync("#chart-title"));
        Assert.Equal(2 * traffic.Days, await page.Locator("#chart svg circle").CountAsync());
        Assert.Equal("Fill rate", await page.TextContentAsync("#rate-chart-title"));
        Assert.Equal(traffic.Days, await page.Locator("#rate-chart svg circle").CountAsync());

        // The table: the report's rows, by day and placement, revenue in its currencies.
        var site = await ReportAsync(client, AdsServerFactory.AdminKey, $"/v1/reports/sites/suara?from={from}&to={to}");
        Assert.Equal(["Time", "Placement", "Requested", "Filled", "Fill rate", "Impressions", "Viewable", "Clicks", "Revenue"], await page.Locator("#rows thead th").AllTextContentsAsync());
        Assert.Equal(site["rows"]!.AsArray().Count, await page.Locator("#rows tbody tr").CountAsync());
        Assert.Equal([from, "article-inline"], (await page.Locator("#rows tbody tr").First.Locator("td").AllTextContentsAsync()).Take(2));
        await SaveScreenshotAsync(session, "report-site.png");

        // By hour: the site's hours, with their offset; the CSV of the same report.
        await page.SelectOptionAsync("#granularity", "hour");
        await ShowAsync(page, null, "site", "suara", to, to);
        await page.WaitForFunctionAsync("() => document.getElementById('subtitle').textContent.endsWith('by hour')");
        Assert.All(await page.Locator("#rows tbody tr td:first-child").AllTextContentsAsync(), t => Assert.Matches($"^{to}T[0-2][0-9]:00:00\\+08:00$", t));
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        var csv = await File.ReadAllTextAsync(await download.PathAsync() ?? throw new InvalidOperationException("no download"));
        Assert.StartsWith("time,placement,requested,filled,fillRate,impressions,viewable,clicks,revenue,currency,revenueByCurrency\r\n", csv, StringComparison.Ordinal);

        // An advertiser's key may not read the publisher's report: the page says whose key it needs.
        await page.SelectOptionAsync("#granularity", "day");
        await page.FillAsync("#key", skywayKey);
        await page.ClickAsync("#show");
        await page.Locator("#error").WaitForAsync(new() { State = WaitForSelectorState.Visible });
        Assert.Contains("The site report needs an admin, trafficker or reporter key", await page.TextContentAsync("#error"), StringComparison.Ordinal);
        Assert.False(await page.IsVisibleAsync("#report"));

        // The advertiser's page, with its own key: spend at its campaigns' rates, viewability, reach.
        await ShowAsync(page, skywayKey, "advertiser", "skyway", from, to);
        var skyway = traffic.Of("skyway");
        Assert.Equal("Advertiser skyway", await page.TextContentAsync("#title"));
        Assert.Equal(skyway.Served.ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "served"));
        Assert.Equal(skyway.Impressions.ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "impressions"));
        Assert.Equal(skyway.Viewable.ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "viewable"));
        AssertPercent(Math.Round((double)skyway.Viewable / skyway.Impressions, 6), await TileAsync(page, "viewable-rate"));
        Assert.Equal(skyway.Clicks.ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "clicks"));
        Assert.Equal(Money(Spend("skyway-london", traffic) + Spend("skyway-app-fares", traffic), "MYR"), await TileAsync(page, "spend"));
        Assert.Equal("0", await TileAsync(page, "invalid"));

        // Reach is a HyperLogLog estimate: the page shows the API's, which is the readers sent within 2 % (or two, for few).
        var advertiser = await ReportAsync(client, skywayKey, $"/v1/reports/advertisers/skyway?from={from}&to={to}");
        var reach = (long)advertiser["totals"]!["reach"]!;
        Assert.Equal(reach.ToString(CultureInfo.InvariantCulture), await DigitsAsync(page, "reach"));
        Assert.InRange(reach, skyway.Viewers.Count - Math.Max(2, skyway.Viewers.Count / 50), skyway.Viewers.Count + Math.Max(2, skyway.Viewers.Count / 50));

        // Charts: impressions and clicks a point each per day; viewability a point per day with impressions.
        Assert.Equal("Viewability", await page.TextContentAsync("#rate-chart-title"));
        Assert.Equal(2 * traffic.Days, await page.Locator("#chart svg circle").CountAsync());
        Assert.InRange(await page.Locator("#rate-chart svg circle").CountAsync(), 1, traffic.Days);

        // A row per campaign, each with its viewable rate, reach and spend.
        Assert.Equal(["Campaign", "Name", "Served", "Impressions", "Viewable", "Viewable rate", "Clicks", "CTR", "Reach", "Spend", "Invalid"], await page.Locator("#rows thead th").AllTextContentsAsync());
        foreach (var row in advertiser["rows"]!.AsArray())
        {
            var id = (string)row!["campaignId"]!;
            var cells = await page.Locator($"#rows tbody tr:has(button:text-is('{id}')) td").AllTextContentsAsync();
            AssertPercent((double)row["viewableRate"]!, cells[5]);
            Assert.Equal(Money(Spend(id, traffic), "MYR"), cells[9]);
        }

        await SaveScreenshotAsync(session, "report-advertiser.png");

        // Several currencies are listed one by one (SelatJet buys the Straits in SGD and the night fares in MYR).
        await ShowAsync(page, AdsServerFactory.AdminKey, "advertiser", "selatjet", from, to);
        Assert.Equal(
            [Money(Spend("selatjet-night-owl", traffic), "MYR"), Money(Spend("selatjet-straits", traffic), "SGD")],
            await AmountsAsync(page, ".tile[data-metric=spend] .tile-value"));

        // A flat-rate sponsorship costs its share of each flight day, with or without counts.
        await ShowAsync(page, null, "campaign", "kenyalang-borneo", from, to);
        Assert.Equal(Money(Spend("kenyalang-borneo", traffic), "MYR"), await TileAsync(page, "spend"));
        Assert.Empty(session.Errors);
    }

    /// <summary>
    /// What a demo campaign costs for what was sent, computed here from its rate (docs/reports.md, "Spend"): cpm per
    /// thousand impressions and cpc per click, rounded once to the cent; a flat rate's even share of each flight day.
    /// </summary>
    private static decimal Spend(string campaignId, WeekOfTraffic traffic)
    {
        var (model, amount, _) = DemoCatalog.Rate(campaignId) ?? throw new InvalidOperationException($"{campaignId} has no rate");
        var sent = traffic.Campaigns.GetValueOrDefault(campaignId) ?? new WeekOfTraffic.Sent();
        switch (model)
        {
            case "cpm":
                return Math.Round(sent.Impressions * amount / 1000m, 2, MidpointRounding.AwayFromZero);
            case "cpc":
                return sent.Clicks * amount;
            default:
                var (start, end) = DemoCatalog.Flight(campaignId);
                var flightDays = Day(end).DayNumber - Day(start).DayNumber + 1;
                var perDay = amount / flightDays;
                Assert.Equal(Math.Round(perDay, 2), perDay); // the demo's amount is whole cents a day: no remainder to place
                Assert.True(Day(start) <= traffic.First && traffic.Last <= Day(end));
                return perDay * traffic.Days;
        }

        static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, WeekOfTraffic.SiteZone).DateTime);
    }

    private static long Sum(WeekOfTraffic traffic, Func<WeekOfTraffic.Sent, long> count) => traffic.Campaigns.Values.Sum(count);

    /// <summary>An amount as the page writes it: the currency, then the amount with thousands separators and cents.</summary>
    private static string Money(decimal amount, string currency) => currency + " " + amount.ToString("#,0.00", CultureInfo.InvariantCulture);

    /// <summary>A rate as the page writes it: a percentage with two decimals.</summary>
    /// <summary>
    /// The page shows <paramref name="rate"/> as a percentage with two decimals. Compared as numbers, within the rounding
    /// of the last digit: the browser rounds the binary double (65.445 shows as 65.44) where .NET's formatting may not.
    /// </summary>
    private static void AssertPercent(double rate, string? shown)
    {
        Assert.Matches("^\\d+\\.\\d{2}%$", shown);
        var value = double.Parse(shown![..^1], CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(value - (rate * 100)) <= 0.005 + 1e-9, $"{shown} for a rate of {rate}");
    }

    /// <summary>Fills in the query form and waits for the report it asks for (a null key keeps the one entered).</summary>
    private static async Task ShowAsync(IPage page, string? key, string kind, string id, string from, string to)
    {
        if (key is not null)
        {
            await page.FillAsync("#key", key);
        }

        await page.SelectOptionAsync("#kind", kind);
        await page.FillAsync("#id", id);
        await page.FillAsync("#from", from);
        await page.FillAsync("#to", to);
        var title = (kind == "site" ? "Site " : kind == "campaign" ? "Campaign " : "Advertiser ") + id;
        await page.ClickAsync("#show");
        await page.WaitForFunctionAsync(
            "([title, from, to]) => !document.getElementById('report').hidden && document.getElementById('title').textContent === title && document.getElementById('subtitle').textContent.startsWith(from + ' to ' + to) && document.getElementById('status').textContent === ''",
            new object[] { title, from, to });
    }

    private static async Task<string> TileAsync(IPage page, string metric) => await page.TextContentAsync($".tile[data-metric={metric}] .tile-value") ?? "";

    private static async Task<string> DigitsAsync(IPage page, string metric) => new([.. (await TileAsync(page, metric)).Where(char.IsAsciiDigit)]);

    /// <summary>The amounts of a tile or cell: one text, or a line per currency.</summary>
    private static async Task<IReadOnlyList<string>> AmountsAsync(IPage page, string selector)
    {
        var lines = await page.Locator(selector + " .line-item").AllTextContentsAsync();
        return lines.Count > 0 ? lines : [await page.TextContentAsync(selector) ?? ""];
    }

    private static async Task<JsonNode> ReportAsync(HttpClient client, string key, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>A new report key for the advertiser (the admin rotates it, as the advertiser would be given it).</summary>
    private static async Task<string> ReportKeyAsync(HttpClient client, string advertiserId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/advertisers/{advertiserId}/report-key");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reportKey"]!;
    }

    /// <summary>
    /// The whole page into test-artifacts/; with SUARA_DOC_IMAGES=1 its top into docs/images/ too (the docs' pictures,
    /// committed).
    /// </summary>
    private static async Task SaveScreenshotAsync(BrowserSession session, string fileName)
    {
        await session.ScreenshotAsync(fileName);
        if (Environment.GetEnvironmentVariable("SUARA_DOC_IMAGES") != "1")
        {
            return;
        }

        var page = session.Page;
        var viewport = page.ViewportSize!;
        var height = Math.Min(DocImageHeight, await page.EvaluateAsync<int>("document.documentElement.scrollHeight"));
        await page.SetViewportSizeAsync(viewport.Width, height);
        await page.EvaluateAsync("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = RepositoryFiles.PathOf("docs", "images", fileName) });
        await page.SetViewportSizeAsync(viewport.Width, viewport.Height);
    }
}
