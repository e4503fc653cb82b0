using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Suara.Ads.Server.Tests.Support;
using Suara.Ads.Testing;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>
/// The console in a real browser, on the demo catalog: sign in with a key, see the campaigns with their delivery,
/// pause and resume one in a click, find the change in the audit; a reporter sees no buttons, a server key is turned
/// away. Screenshots go to test-artifacts/ (and, with SUARA_DOC_IMAGES=1, docs/images/console.png).
/// </summary>
public sealed class ConsolePageTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;

    public ConsolePageTests(BrowserFixture fixture) => _fixture = fixture;

    private HttpClient Api(string key) => ConsoleSignIn.Api(_fixture, key);

    private Task<string> KeyAsync(string role) => ConsoleSignIn.KeyAsync(_fixture, $"{role} in the console", role);

    private static Task SignInAsync(IPage page, BrowserSession session, string key) => ConsoleSignIn.SubmitKeyAsync(page, session, key);

    [Fact]
    public async Task Trafficker_SeesDelivery_PausesAndResumesACampaign_AndFindsItInTheAudit()
    {
        var key = await KeyAsync("trafficker");
        await using var session = await BrowserSession.OpenAsync(_fixture);
        var page = session.Page;
        await SignInAsync(page, session, key);

        var row = page.Locator("tr[data-campaign='skyway-london']");
        await row.WaitForAsync();
        Assert.Equal("trafficker in the console · trafficker", await page.TextContentAsync("#who"));
        Assert.Equal("active", await row.Locator(".state").TextContentAsync());
        Assert.NotEmpty(await row.Locator(".pacing").TextContentAsync() ?? "");
        Assert.True(await page.Locator("#advertiser-skyway").IsVisibleAsync()); // grouped by advertiser

        await page.ClickAsync("button[aria-label='Pause skyway-london']");
        await page.Locator("tr[data-campaign='skyway-london'] .state[data-status='paused']").WaitForAsync();
        using (var api = Api(AdsServerFactory.AdminKey))
        {
            var stored = JsonNode.Parse(await api.GetStringAsync("/v1/admin/campaigns/skyway-london"))!;
            Assert.Equal("paused", (string)stored["status"]!);
        }

        // The audit names who paused it, and what changed.
        var entry = page.Locator("#entries li[data-id='skyway-london']").First;
        await entry.WaitForAsync();
        var text = await entry.TextContentAsync() ?? "";
        Assert.Contains("trafficker in the console", text, StringComparison.Ordinal);
        Assert.Contains("status: \"active\" → \"paused\"", text, StringComparison.Ordinal);
        await session.ScreenshotAsync("console-trafficker.png");
        if (Environment.GetEnvironmentVariable("SUARA_DOC_IMAGES") == "1")
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = RepositoryFiles.PathOf("docs", "images", "console.png"), FullPage = false });
        }

        await page.ClickAsync("button[aria-label='Resume skyway-london']");
        await page.Locator("tr[data-campaign='skyway-london'] .state[data-status='active']").WaitForAsync();

        // Targeting, checked as it is typed: a mistake names its line and column, the fix says it is valid, and a save
        // changes the campaign.
        await page.ClickAsync("button[aria-label='Edit targeting of skyway-london']");
        await page.Locator("#targeting-check[data-valid='true']").WaitForAsync();
        var original = await page.InputValueAsync("#targeting-rule");
        Assert.Contains("section in", original, StringComparison.Ordinal);
        await page.FillAsync("#targeting-rule", "country = 'MY'");
        await page.Locator("#targeting-check[data-valid='false']:has-text('line 1, column')").WaitForAsync();
        await page.FillAsync("#targeting-rule", "country == 'MY' and section == 'travel'");
        await page.Locator("#targeting-check[data-valid='true']:has-text('Valid')").WaitForAsync();
        await page.ClickAsync("#targeting-save");
        await page.Locator("#status:has-text('is saved')").WaitForAsync();
        using (var api = Api(AdsServerFactory.AdminKey))
        {
            Assert.Equal("country == 'MY' and section == 'travel'", (string)JsonNode.Parse(await api.GetStringAsync("/v1/admin/campaigns/skyway-london"))!["targeting"]!);
            using var restore = new HttpRequestMessage(HttpMethod.Patch, "/v1/admin/campaigns/skyway-london") { Content = new StringContent(new JsonObject { ["targeting"] = original }.ToJsonString(), Encoding.UTF8, "application/merge-patch+json") };
            Assert.Equal(HttpStatusCode.OK, (await api.SendAsync(restore)).StatusCode);
        }

        // "Why not served?" for a Malaysian reader of a news page's sidebar: every candidate with its verdict.
        await page.SelectOptionAsync("#why-placement", "sidebar");
        await page.FillAsync("#why-country", "MY");
        await page.FillAsync("#why-section", "news");
        await page.ClickAsync("#why-go");
        await page.Locator("#why-rows tr[data-campaign]").First.WaitForAsync();
        Assert.True(await page.Locator("#why-rows tr[data-campaign]").CountAsync() >= 3);
        Assert.Equal(1, await page.Locator("#why-rows td[data-outcome='selected']").CountAsync());
        Assert.StartsWith("This page would show ", await page.TextContentAsync("#status") ?? "", StringComparison.Ordinal);
        // Outside its targeting a campaign says which clause failed.
        await page.FillAsync("#why-country", "GB");
        await page.ClickAsync("#why-go");
        await page.Locator("#why-rows tr[data-campaign='skyway-london'] td[data-outcome='targeting']").WaitForAsync();
        await session.ScreenshotAsync("console-why.png");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Reporter_ReadsWithoutButtons_AndAServerKeyIsTurnedAway()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture);
        var page = session.Page;
        await SignInAsync(page, session, await KeyAsync("reporter"));
        await page.Locator("tr[data-campaign='skyway-london']").WaitForAsync();
        Assert.EndsWith("(read only)", await page.TextContentAsync("#who"), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#groups button:not([aria-label^='View '])").CountAsync()); // no pause, no edit
        Assert.True(await page.Locator("#groups button[aria-label='View skyway-london']").IsVisibleAsync());
        Assert.True(await page.Locator("#new-campaign").IsHiddenAsync());
        Assert.True(await page.Locator("#new-advertiser").IsHiddenAsync());

        // Viewing a campaign shows its form with every field disabled and no save.
        await page.ClickAsync("button[aria-label='View skyway-london']");
        await page.Locator("#campaign-form:not([hidden])").WaitForAsync();
        Assert.Equal("skyway", await page.InputValueAsync("#campaign-advertiser"));
        Assert.True(await page.Locator("#campaign-name").IsDisabledAsync());
        Assert.True(await page.Locator("#campaign-form button[type=submit]").IsHiddenAsync());

        await page.ClickAsync("#signout");
        await SignInAsync(page, session, await KeyAsync("server"));
        await page.Locator("#error").WaitForAsync();
        Assert.Contains("needs an admin, trafficker or reporter key", await page.TextContentAsync("#error") ?? "", StringComparison.Ordinal);
        Assert.True(await page.Locator("#campaigns").IsHiddenAsync());

        await SignInAsync(page, session, "not-a-key-at-all");
        await page.Locator("#error:has-text('not known')").WaitForAsync();
    }
}
