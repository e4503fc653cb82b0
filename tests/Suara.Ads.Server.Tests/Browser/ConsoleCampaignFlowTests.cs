using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Suara.Ads.Server.Tests.Support;
using Suara.Ads.Testing;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>
/// An ad-ops person's whole day in the console, in a real browser against the real server on the demo catalog: sign in
/// as a trafficker, create an advertiser (its report key shown once) and a campaign through the forms, with a creative
/// uploaded from a file and previewed; a targeting mistake shown as it is typed, a bad landing page shown at its field;
/// the campaign serving on the demo page; paused in a click and gone from the page; the changes in the audit.
/// Screenshots go to test-artifacts/ (and, with SUARA_DOC_IMAGES=1, docs/images/console-campaign.png).
/// </summary>
public sealed class ConsoleCampaignFlowTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;

    public ConsoleCampaignFlowTests(BrowserFixture fixture) => _fixture = fixture;

    private HttpClient Api(string key) => ConsoleSignIn.Api(_fixture, key);

    private Task<string> KeyAsync(string name, string role) => ConsoleSignIn.KeyAsync(_fixture, name, role);

    private static async Task SignInAsync(IPage page, BrowserSession session, string key)
    {
        await ConsoleSignIn.SubmitKeyAsync(page, session, key);
        await page.Locator("#who:not([hidden])").WaitForAsync();
    }

    /// <summary>A real 728x90 PNG, drawn by the browser itself on a canvas.</summary>
    private static async Task<byte[]> BannerPngAsync(IPage page)
    {
        var dataUrl = await page.EvaluateAsync<string>("""
            () => {
              const c = document.createElement('canvas'); c.width = 728; c.height = 90;
              const g = c.getContext('2d');
              g.fillStyle = '#5b3a1e'; g.fillRect(0, 0, 728, 90);
              g.fillStyle = '#fff'; g.font = 'bold 34px Arial'; g.fillText('Kopi Pagi: a fresh cup at 7', 24, 58);
              return c.toDataURL('image/png');
            }
            """);
        return Convert.FromBase64String(dataUrl[(dataUrl.IndexOf(',', StringComparison.Ordinal) + 1)..]);
    }

    private static string Creative(int index, string field) => $"#creatives [data-path='creatives[{index}].{field}']";

    [Fact]
    public async Task Trafficker_CreatesACampaignWithAnUploadedCreative_SeesItServe_PausesIt_AndFindsItInTheAudit()
    {
        var key = await KeyAsync("Aisha (ad-ops)", "trafficker");
        await using var session = await BrowserSession.OpenAsync(_fixture);
        var page = session.Page;
        await SignInAsync(page, session, key);

        // A new advertiser: its report key is shown once.
        await page.ClickAsync("#new-advertiser");
        await page.FillAsync("#advertiser-id", "kopi-co");
        await page.FillAsync("#advertiser-name", "Kopi & Co");
        await page.ClickAsync("#advertiser-form button[type=submit]");
        await page.Locator("#report-key:not([hidden])").WaitForAsync();
        var reportKey = await page.TextContentAsync("#report-key-value") ?? "";
        Assert.True(reportKey.Length >= 20, $"a report key, got '{reportKey}'");
        await page.Locator("#catalog").ScrollIntoViewIfNeededAsync(); // the lists are drawn when scrolled to
        await page.Locator("#list-advertiser li[data-id='kopi-co']").WaitForAsync();
        await page.ClickAsync("#report-key-close");
        Assert.Equal("", await page.TextContentAsync("#report-key-value"));

        // A new campaign through the form.
        await page.ClickAsync("#new-campaign");
        await page.FillAsync("#campaign-id", "kopi-pagi");
        await page.SelectOptionAsync("#campaign-advertiser", "kopi-co");
        await page.FillAsync("#campaign-name", "Kopi Pagi: morning coffee");
        await page.SelectOptionAsync("#campaign-priority", "sponsorship");
        await page.FillAsync("#campaign-start", "2026-11-01T00:00");
        await page.FillAsync("#campaign-end", "2026-12-31T23:59");
        await page.SelectOptionAsync("#campaign-goal-metric", "impressions");
        await page.FillAsync("#campaign-goal-amount", "5000");
        await page.SelectOptionAsync("#campaign-rate-model", "cpm");
        await page.FillAsync("#campaign-rate-amount", "9.50");
        await page.FillAsync("#campaign-rate-currency", "MYR");
        await page.CheckAsync("input[name='campaign-placement'][value='article-top']");

        // A targeting mistake is shown as it is typed, with its line and column; the fix is shown valid.
        await page.FillAsync("#campaign-targeting", "section = 'news'");
        await page.Locator("#campaign-targeting-check[data-valid='false']:has-text('line 1, column')").WaitForAsync();
        Assert.Equal("true", await page.GetAttributeAsync("#campaign-targeting", "aria-invalid"));
        await page.FillAsync("#campaign-targeting", "section in ('news', 'travel')");
        await page.Locator("#campaign-targeting-check[data-valid='true']:has-text('Valid')").WaitForAsync();

        // The creative: a file uploaded into the ad server, its size read from the image, previewed before saving.
        await page.FillAsync(Creative(0, "id"), "pagi-728");
        await page.SetInputFilesAsync("#creatives input[type=file]", new FilePayload { Name = "kopi-pagi.png", MimeType = "image/png", Buffer = await BannerPngAsync(page) });
        await page.Locator("#status:has-text('is uploaded')").WaitForAsync();
        var imageUrl = await page.InputValueAsync(Creative(0, "imageUrl"));
        Assert.Matches("^/assets/[0-9a-f]{64}\\.png$", imageUrl);
        await page.WaitForFunctionAsync("sel => document.querySelector(sel).value === '728x90'", Creative(0, "size"));
        var preview = page.Locator("#creatives .preview img");
        await preview.WaitForAsync();
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#creatives .preview img'); return i && i.complete && i.naturalWidth === 728; }");
        await page.FillAsync(Creative(0, "alt"), "Kopi Pagi");

        // A landing page that is not a URL is refused at its field; nothing is stored.
        await page.FillAsync(Creative(0, "clickUrl"), "kopi.example/pagi");
        await page.ClickAsync("#campaign-form button[type=submit]");
        var fieldError = page.Locator("#creatives .field-error[data-for='creatives[0].clickUrl']");
        await fieldError.WaitForAsync();
        Assert.Equal("true", await page.GetAttributeAsync(Creative(0, "clickUrl"), "aria-invalid"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync("/v1/admin/campaigns/kopi-pagi"));
        await session.ScreenshotAsync("console-campaign-error.png");

        await page.FillAsync(Creative(0, "clickUrl"), "https://kopi.example/pagi");
        await page.ClickAsync("#campaign-form button[type=submit]");
        await page.WaitForFunctionAsync("() => !document.querySelector('#editor-problems').hidden || /kopi-pagi is created/.test(document.querySelector('#status').textContent)");
        Assert.True(await page.Locator("#editor-problems").IsHiddenAsync(), await page.TextContentAsync("#editor-problems"));
        var row = page.Locator("#advertiser-kopi-co tr[data-campaign='kopi-pagi']");
        await row.WaitForAsync();
        Assert.Contains("Kopi & Co", await page.TextContentAsync("#advertiser-kopi-co h2") ?? "", StringComparison.Ordinal);
        Assert.Equal("active", await row.Locator(".state").TextContentAsync());

        using (var admin = Api(AdsServerFactory.AdminKey))
        {
            var stored = JsonNode.Parse(await admin.GetStringAsync("/v1/admin/campaigns/kopi-pagi"))!;
            Assert.Equal("kopi-co", (string)stored["advertiserId"]!);
            Assert.Equal("sponsorship", (string)stored["priority"]!);
            Assert.Equal(5000, (long)stored["goal"]!["impressions"]!);
            Assert.Equal(9.5m, (decimal)stored["rate"]!["amount"]!);
            Assert.Equal("section in ('news', 'travel')", (string)stored["targeting"]!);
            var creative = stored["creatives"]![0]!;
            Assert.Equal(imageUrl, (string)creative["imageUrl"]!);
            Assert.Equal("728x90", (string)creative["size"]!);
            Assert.Equal("https://kopi.example/pagi", (string)creative["clickUrl"]!);
        }

        // Opened again: the server's own rendering of the saved creative.
        await page.ClickAsync("button[aria-label='Edit kopi-pagi']");
        await page.Locator("#campaign-form:not([hidden])").WaitForAsync();
        Assert.True(await page.Locator("#campaign-id").IsEditableAsync() is false); // the id of a saved campaign stays
        await page.ClickAsync("#creatives button[data-action='served']");
        var served = page.FrameLocator("#creatives iframe.served").Locator("img");
        await served.WaitForAsync();
        Assert.EndsWith(imageUrl, await served.GetAttributeAsync("src") ?? "", StringComparison.Ordinal);
        await session.ScreenshotAsync("console-campaign.png");
        if (Environment.GetEnvironmentVariable("SUARA_DOC_IMAGES") == "1")
        {
            // A clip of a viewport as tall as the page: element and full-page shots leave sandboxed frames blank.
            await served.EvaluateAsync("i => i.complete || new Promise(r => i.onload = r)");
            var height = await page.EvaluateAsync<int>("document.documentElement.scrollHeight");
            await page.SetViewportSizeAsync(1280, height);
            var box = (await page.Locator("#editor").BoundingBoxAsync())!;
            await page.EvaluateAsync("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = RepositoryFiles.PathOf("docs", "images", "console-campaign.png"), Clip = new Clip { X = box.X, Y = box.Y, Width = box.Width, Height = box.Height } });
            await page.SetViewportSizeAsync(1280, 800);
        }

        await page.ClickAsync("#campaign-form button[data-close]");

        // The demo page (a news article) now shows it at the top: a sponsorship outranks the standard campaigns there.
        await using (var reader = await BrowserSession.OpenAsync(_fixture))
        {
            var decision = await reader.GotoAsync("/demo/index.html");
            Assert.Equal("kopi-pagi", (string)decision["slots"]!["top"]!["campaignId"]!);
            await reader.Page.Locator($"#top img[src$='{imageUrl}']").WaitForAsync();
            await reader.WaitForRequestAsync(r => r.Url.Contains("/v1/events/", StringComparison.Ordinal));
            await reader.ScreenshotAsync("console-campaign-on-demo.png");
            Assert.Empty(reader.Errors);
        }

        // Paused in a click: it no longer serves.
        await page.ClickAsync("button[aria-label='Pause kopi-pagi']");
        await page.Locator("tr[data-campaign='kopi-pagi'] .state[data-status='paused']").WaitForAsync();
        await using (var reader = await BrowserSession.OpenAsync(_fixture))
        {
            var decision = await reader.GotoAsync("/demo/index.html");
            Assert.NotEqual("kopi-pagi", (string?)decision["slots"]!["top"]?["campaignId"]);
        }

        // The audit: who created and paused it, field by field.
        await page.FillAsync("#audit-id", "kopi-pagi");
        await page.ClickAsync("#audit-go");
        var entries = page.Locator("#entries li[data-id='kopi-pagi']");
        await page.WaitForFunctionAsync("() => document.querySelectorAll(\"#entries li[data-id='kopi-pagi']\").length === 2");
        var pause = await entries.Nth(0).TextContentAsync() ?? "";
        Assert.Contains("Aisha (ad-ops)", pause, StringComparison.Ordinal);
        Assert.Contains("status: \"active\" → \"paused\"", pause, StringComparison.Ordinal);
        var create = await entries.Nth(1).TextContentAsync() ?? "";
        Assert.StartsWith("create campaign kopi-pagi", create, StringComparison.Ordinal);
        Assert.Contains("Aisha (ad-ops)", create, StringComparison.Ordinal);
        await session.ScreenshotAsync("console-campaign-audit.png");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Editor_RefusesToOverwriteAChangeMadeMeanwhile_AndANewFormNeverReplacesAnExistingId()
    {
        var key = await KeyAsync("Ravi (ad-ops)", "trafficker");
        await using var session = await BrowserSession.OpenAsync(_fixture);
        var page = session.Page;
        await SignInAsync(page, session, key);

        // Someone else renames the site while the form is open: saving says so, and their change stays.
        await page.Locator("#catalog").ScrollIntoViewIfNeededAsync(); // the lists are drawn when scrolled to
        await page.ClickAsync("button[aria-label='Edit site suara']");
        await page.Locator("#site-form:not([hidden])").WaitForAsync();
        using (var admin = Api(AdsServerFactory.AdminKey))
        {
            using var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/admin/sites/suara") { Content = new StringContent("""{"name":"Suara Malaysia (renamed)"}""", Encoding.UTF8, "application/merge-patch+json") };
            Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(patch)).StatusCode);
        }

        await page.FillAsync("#site-name", "Suara (mine)");
        await page.ClickAsync("#site-form button[type=submit]");
        await page.Locator("#editor-problems:has-text('Someone changed this site')").WaitForAsync();
        using (var admin = Api(AdsServerFactory.AdminKey))
        {
            Assert.Equal("Suara Malaysia (renamed)", (string)JsonNode.Parse(await admin.GetStringAsync("/v1/admin/sites/suara"))!["name"]!);
        }

        // A new placement with the id of one that exists is refused, not a silent replacement.
        await page.ClickAsync("#site-form button[data-close]");
        await page.ClickAsync("#new-placement");
        await page.FillAsync("#placement-id", "sidebar");
        await page.FillAsync("#placement-name", "Another sidebar");
        await page.FillAsync("#placement-sizes", "160x600");
        await page.ClickAsync("#placement-form button[type=submit]");
        await page.Locator("#editor-problems:has-text(\"already a placement 'sidebar'\")").WaitForAsync();

        // A new one with its own id is created and listed; its sizes with a typo are named at their field first.
        await page.FillAsync("#placement-id", "skyscraper");
        await page.FillAsync("#placement-sizes", "160x600, 160by600");
        await page.ClickAsync("#placement-form button[type=submit]");
        await page.Locator("#placement-form .field-error[data-for='sizes[1]']").WaitForAsync();
        await page.FillAsync("#placement-sizes", "160x600");
        await page.ClickAsync("#placement-form button[type=submit]");
        await page.Locator("#catalog").ScrollIntoViewIfNeededAsync();
        await page.Locator("#list-placement li[data-id='skyscraper']").WaitForAsync();
        Assert.Equal(1, await page.Locator("#why-placement option[value='skyscraper']").CountAsync());

        // "Why not served?" at another time: at 02:00 in Kuala Lumpur the app-fares campaign (hours 6 to 23) is out.
        await page.SelectOptionAsync("#why-placement", "article-top");
        await page.SelectOptionAsync("#why-device", "mobile");
        await page.FillAsync("#why-section", "news");
        await page.FillAsync("#why-time", "2026-12-10T18:00");
        await page.ClickAsync("#why-go");
        await page.Locator("#why-rows tr[data-campaign='skyway-app-fares'] td[data-outcome='targeting']").WaitForAsync();
        Assert.Contains("at 2026-12-10 18:00:00 UTC", await page.TextContentAsync("#status") ?? "", StringComparison.Ordinal);

        // On a phone the page does not scroll sideways (wide tables scroll inside their own box) and the form fits.
        await page.SetViewportSizeAsync(390, 844);
        await page.ClickAsync("button[aria-label='Edit skyway-london']");
        await page.Locator("#campaign-form:not([hidden])").WaitForAsync();
        var wider = await page.EvaluateAsync<string>("() => [...document.querySelectorAll('body *')].filter(e => e.offsetParent && e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('table')).slice(0, 8).map(e => e.tagName + '#' + e.id + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right)).join(', ')");
        Assert.True(wider.Length == 0 && await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the console scrolls sideways on a phone: " + wider);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifacts.PathOf("console-phone.png") });
        Assert.Empty(session.Errors);
    }

    private async Task<HttpStatusCode> StatusOfAsync(string path)
    {
        using var admin = Api(AdsServerFactory.AdminKey);
        using var response = await admin.GetAsync(path);
        return response.StatusCode;
    }
}
