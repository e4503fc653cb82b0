using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>The report page in a real browser shows what the JSON report says, and an error for a wrong key.</summary>
public sealed class ReportPageTests : IClassFixture<BrowserFixture>
{
    private static readonly TimeZoneInfo s_siteZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur");

    private readonly BrowserFixture _fixture;

    public ReportPageTests(BrowserFixture fixture) => _fixture = fixture;

    /// <summary>Decisions for every placement with impressions (and a few clicks) until skyway has been counted, then a flush.</summary>
    private async Task TrafficAsync(HttpClient client)
    {
        var skyway = 0;
        for (var i = 0; i < 80 && (i < 40 || skyway == 0); i++)
        {
            var body = $$"""{"site":"suara","page":{"section":"news"},"country":"MY","device":"{{(i % 2 == 0 ? "mobile" : "desktop")}}","user":{"id":"report-viewer-{{i}}"},"slots":[{"id":"top","placement":"article-top"},{"id":"inline","placement":"article-inline"},{"id":"side","placement":"sidebar"},{"id":"foot","placement":"footer"}]}""";
            using var response = await client.PostAsync(new Uri("/v1/decisions", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
            var slots = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!.AsObject();
            var n = 0;
            foreach (var (_, slot) in slots)
            {
                if (slot?["impressionUrl"] is null)
                {
                    continue;
                }

                skyway += ((string?)slot["campaignId"])?.StartsWith("skyway", StringComparison.Ordinal) == true ? 1 : 0;
                (await client.GetAsync(new Uri((string)slot["impressionUrl"]!, UriKind.RelativeOrAbsolute))).EnsureSuccessStatusCode();
                if ((i + n) % 2 == 0)
                {
                    (await client.GetAsync(new Uri((string)slot["viewableUrl"]!, UriKind.RelativeOrAbsolute))).EnsureSuccessStatusCode();
                }

                if ((i + n++) % 3 == 0)
                {
                    Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync(new Uri((string)slot["clickUrl"]!, UriKind.RelativeOrAbsolute))).StatusCode);
                }
            }
        }

        Assert.True(skyway > 0, "no skyway ad was served");
        await _fixture.Services.GetRequiredService<CountingFlusher>().FlushAsync();
    }

    [Fact]
    public async Task ReportPage_Advertiser_ShowsTotalsChartAndCampaigns_AndAWrongKeyShowsAnError()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(_fixture.BaseUrl) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(AdsServerFactory.BrowserUserAgent);
        await TrafficAsync(client);

        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(_fixture.Time.GetUtcNow(), s_siteZone).DateTime);
        var from = today.AddDays(-6).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/reports/advertisers/skyway?from={from}&to={to}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
        using var apiResponse = await client.SendAsync(request);
        apiResponse.EnsureSuccessStatusCode();
        var api = JsonNode.Parse(await apiResponse.Content.ReadAsStringAsync())!;
        var impressions = (long)api["totals"]!["impressions"]!;
        var clicks = (long)api["totals"]!["clicks"]!;
        Assert.True(impressions > 0);
        var campaigns = api["rows"]!.AsArray().Select(r => (string)r!["campaignId"]!).ToArray();
        Assert.Equal(["skyway-app-fares", "skyway-london"], campaigns.Order(StringComparer.Ordinal));

        await using var session = await BrowserSession.OpenAsync(_fixture);
        var page = session.Page;
        var redirect = await page.GotoAsync(session.Absolute("/reports"));
        Assert.Equal(session.Absolute("/reports/index.html"), page.Url);
        Assert.Equal(200, redirect?.Status);

        await page.FillAsync("#key", AdsServerFactory.AdminKey);
        await page.SelectOptionAsync("#kind", "advertiser");
        await page.FillAsync("#id", "skyway");
        await page.FillAsync("#from", from);
        await page.FillAsync("#to", to);
        await page.ClickAsync("#show");
        await page.Locator("#report").WaitForAsync(new() { State = WaitForSelectorState.Visible });

        // The totals are the API's.
        string Digits(string text) => new([.. text.Where(char.IsAsciiDigit)]);
        Assert.Equal(impressions.ToString(CultureInfo.InvariantCulture), Digits(await page.TextContentAsync(".tile[data-metric=impressions] .tile-value") ?? ""));
        Assert.Equal(clicks.ToString(CultureInfo.InvariantCulture), Digits(await page.TextContentAsync(".tile[data-metric=clicks] .tile-value") ?? ""));
        Assert.EndsWith("%", await page.TextContentAsync(".tile[data-metric=ctr] .tile-value"), StringComparison.Ordinal);
        Assert.Equal("Advertiser skyway", await page.TextContentAsync("#title"));

        // A chart with lines, one point per day of the range.
        Assert.Equal(1, await page.Locator("#chart svg").CountAsync());
        Assert.True(await page.Locator("#chart svg path, #chart svg polyline").CountAsync() >= 1);
        Assert.Equal(2 * 7, await page.Locator("#chart svg circle").CountAsync());

        // One row per campaign, each id a button.
        var rows = page.Locator("#rows tbody tr");
        Assert.Equal(campaigns.Length, await rows.CountAsync());
        var buttons = await page.Locator("#rows tbody button").AllTextContentsAsync();
        Assert.Equal(campaigns.Order(StringComparer.Ordinal), buttons.Order(StringComparer.Ordinal));

        // The key is in session storage, never in the URL.
        Assert.Equal(AdsServerFactory.AdminKey, await page.EvaluateAsync<string>("sessionStorage.getItem('suara-ads.report-key')"));
        Assert.DoesNotContain(AdsServerFactory.AdminKey, page.Url, StringComparison.Ordinal);
        await session.ScreenshotAsync("reports-page.png");

        // A campaign id opens that campaign's report.
        await page.ClickAsync("#rows tbody button:text-is('skyway-london')");
        await page.WaitForFunctionAsync("() => document.getElementById('title').textContent === 'Campaign skyway-london'");
        Assert.True(await page.Locator("#chart svg path").CountAsync() >= 1);
        Assert.True(await page.IsVisibleAsync("#back"));

        // The CSV download carries the key in the header and saves a file.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv"));
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var csv = await File.ReadAllTextAsync(await download.PathAsync() ?? throw new InvalidOperationException("no download"));
        Assert.StartsWith("time,creativeId,placement,served,impressions,viewable,clicks,ctr,invalid,", csv, StringComparison.Ordinal);

        // A wrong key: an error, no table.
        await page.SelectOptionAsync("#kind", "advertiser");
        await page.FillAsync("#id", "skyway");
        await page.FillAsync("#key", "not-a-report-key");
        await page.ClickAsync("#show");
        await page.Locator("#error").WaitForAsync(new() { State = WaitForSelectorState.Visible });
        Assert.Contains("the key is not known", await page.TextContentAsync("#error"), StringComparison.OrdinalIgnoreCase);
        Assert.False(await page.IsVisibleAsync("#report"));
        Assert.Equal(0, await page.Locator("#rows tr").CountAsync());

        Assert.Empty(session.Errors);
    }
}
