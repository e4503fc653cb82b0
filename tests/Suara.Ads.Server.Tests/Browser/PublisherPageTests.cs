using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>
/// ads.js on a publisher's own page, served by a web server of its own on another origin than the ad server
/// (<c>http://localhost:PORT</c>, whose host is one of the demo site's domains; the script and every ad request go to
/// the real ad server on 127.0.0.1, cross-origin like any publisher's): a misspelt slot beside good ones, the page API's events, slot key-values, one set of
/// rules across lazy and single-page-app requests, and the TCF consent gate.
/// </summary>
public sealed class PublisherPageTests : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly PublisherSite _publisher = new();
    private static readonly string[] s_airlines = ["skyway", "kenyalang", "selatjet"];

    private readonly BrowserFixture _fixture;

    public PublisherPageTests(BrowserFixture fixture) => _fixture = fixture;

    /// <summary>Serves <paramref name="html"/> as the publisher's page (any path of its origin), with the fixture's ads.js.</summary>
    private async Task<(BrowserSession Session, ConcurrentQueue<string> Warnings)> OpenAsync(string body, string head = "", bool globalPrivacyControl = false)
    {
        var session = await BrowserSession.OpenAsync(_fixture, globalPrivacyControl);
        var html = $$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>A publisher's article</title>
            <script>
              window.suaraAds = { section: 'news', cmd: [] };
              window.seen = [];
              window.suaraAds.cmd.push(function (ads) {
                ['slotRequested', 'slotRenderEnded', 'impressionViewable'].forEach(function (name) {
                  ads.on(name, function (e) {
                    window.seen.push({ name: name, slotId: e.slotId, isEmpty: e.isEmpty, campaignId: e.campaignId, creativeId: e.creativeId, tag: e.element && e.element.tagName });
                  });
                });
              });
            </script>
            {{head}}
            <script async src="{{_fixture.BaseUrl}}/ads.js" data-site="suara"></script>
            </head><body style="margin:0">{{body}}</body></html>
            """;
        _publisher.Page = html;
        var warnings = new ConcurrentQueue<string>();
        session.Page.Console += (_, m) =>
        {
            if (m.Type == "warning")
            {
                warnings.Enqueue(m.Text);
            }
        };
        return (session, warnings);
    }

    private async Task PutCampaignAsync(string id, JsonObject campaign)
    {
        using var admin = ConsoleSignIn.Api(_fixture, AdsServerFactory.AdminKey);
        using var response = await admin.PutAsync("/v1/admin/campaigns/" + id, new StringContent(campaign.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> StatusOfAsync(IPage page, string id) => await page.GetAttributeAsync($"ins#{id}", "data-suara-status") ?? "";

    [Fact]
    public async Task AMisspeltSlot_CollapsesAloneWithOneWarning_TheOthersFill_AndTheEventsTellThePage()
    {
        // A sponsorship for the gold tier of the sidebar, to see the slot's key-value at work.
        await PutCampaignAsync("gold-sidebar", JsonNode.Parse("""
            { "advertiserId": "teratai", "name": "Gold members' suite", "status": "active",
              "start": "2026-01-01T00:00:00Z", "end": "2027-12-31T23:59:59Z", "priority": "sponsorship",
              "placements": ["sidebar"], "targeting": "kv.tier == 'gold'",
              "creatives": [ { "id": "gold-300", "format": "text", "size": "300x250", "headline": "Gold members stay free", "clickUrl": "https://teratai.example/gold" } ] }
            """)!.AsObject());

        var (session, warnings) = await OpenAsync("""
            <ins class="suara-ad" id="top" data-placement="article-top"></ins>
            <ins class="suara-ad" id="broken" data-placement="sidebr"></ins>
            <ins class="suara-ad" id="side" data-placement="sidebar" data-kv-tier="gold"></ins>
            """);
        await using (session)
        {
            var page = session.Page;
            var answer = await page.RunAndWaitForResponseAsync(() => page.GotoAsync(_publisher.Origin + "/news/article.html"), r => r.Url.EndsWith("/v1/decisions", StringComparison.Ordinal));
            Assert.Equal(200, answer.Status);
            Assert.Equal(_publisher.Origin, (await answer.Request.AllHeadersAsync())["origin"]); // cross-origin, as on any publisher's site
            await page.WaitForFunctionAsync("() => ['top', 'broken', 'side'].every(id => ['filled', 'empty', 'error'].includes(document.getElementById(id).dataset.suaraStatus))");

            Assert.Equal("filled", await StatusOfAsync(page, "top"));
            Assert.Equal("error", await StatusOfAsync(page, "broken"));
            Assert.True(await page.Locator("ins#broken").IsHiddenAsync());
            Assert.Equal("gold-sidebar", await page.GetAttributeAsync("ins#side", "data-campaign")); // the slot's kv

            var request = Assert.Single(session.DecisionRequests);
            Assert.Equal("gold", (string)request["slots"]![2]!["kv"]!["tier"]!);
            var warning = Assert.Single(warnings, w => w.Contains("broken", StringComparison.Ordinal));
            Assert.Contains("data-placement=\"sidebr\"", warning, StringComparison.Ordinal);
            Assert.Contains("unknown placement 'sidebr'", warning, StringComparison.Ordinal);

            // The page API: a request and a render for every slot, empty for the broken one; a viewable for the top.
            await page.WaitForFunctionAsync("() => window.seen.some(e => e.name === 'impressionViewable' && e.slotId === 'top')");
            var seen = JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.seen)"))!.AsArray().Select(e => e!.AsObject()).ToList();
            Assert.Equal(["broken", "side", "top"], seen.Where(e => (string)e["name"]! == "slotRequested").Select(e => (string)e["slotId"]!).Order(StringComparer.Ordinal));
            var rendered = seen.Where(e => (string)e["name"]! == "slotRenderEnded").ToDictionary(e => (string)e["slotId"]!);
            Assert.True((bool)rendered["broken"]["isEmpty"]!);
            Assert.False((bool)rendered["side"]["isEmpty"]!);
            Assert.Equal("gold-sidebar", (string)rendered["side"]["campaignId"]!);
            Assert.Equal("INS", (string)rendered["top"]["tag"]!);
            Assert.Empty(session.Errors);
        }
    }

    [Fact]
    public async Task LazyAndSinglePageAppSlots_KeepThePageViewsRules()
    {
        var (session, _) = await OpenAsync("""
            <ins class="suara-ad" id="top" data-placement="article-top"></ins>
            <ins class="suara-ad" id="side" data-placement="sidebar"></ins>
            <div style="height:2500px"></div>
            <ins class="suara-ad" id="lazy" data-placement="article-inline" data-lazy></ins>
            <div id="app"></div>
            """);
        await using (session)
        {
            var page = session.Page;
            await page.GotoAsync(_publisher.Origin + "/news/article.html");
            await page.WaitForFunctionAsync("() => ['top', 'side'].every(id => document.getElementById(id).dataset.suaraStatus === 'filled')");
            Assert.Equal("lazy", await StatusOfAsync(page, "lazy"));

            // Scrolled to: the lazy slot is asked for alone, with what the page already shows.
            await page.Locator("ins#lazy").ScrollIntoViewIfNeededAsync();
            await page.WaitForFunctionAsync("() => ['filled', 'empty'].includes(document.getElementById('lazy').dataset.suaraStatus)");

            // A single-page app adds a slot later.
            await page.EvaluateAsync("() => { const ins = document.createElement('ins'); ins.className = 'suara-ad'; ins.id = 'spa'; ins.setAttribute('data-placement', 'sidebar'); document.getElementById('app').appendChild(ins); }");
            await page.WaitForFunctionAsync("() => { const e = document.getElementById('spa'); return e && ['filled', 'empty'].includes(e.dataset.suaraStatus); }");

            var requests = session.DecisionRequests;
            Assert.Equal(3, requests.Count);
            var first = await ShownAsync(page, ["top", "side"]);
            Assert.Equal(first.Order(StringComparer.Ordinal), requests[1]["page"]!["shown"]!.AsArray().Select(s => (string)s!).Order(StringComparer.Ordinal));
            Assert.Equal((await ShownAsync(page, ["top", "side", "lazy"])).Order(StringComparer.Ordinal), requests[2]["page"]!["shown"]!.AsArray().Select(s => (string)s!).Order(StringComparer.Ordinal));

            // Whatever came, no two airlines and no creative twice on the page view.
            var all = await ShownAsync(page, ["top", "side", "lazy", "spa"]);
            Assert.Equal(all.Count, all.Distinct().Count());
            var airlines = all.Select(c => c.Split('/')[0]).Where(c => s_airlines.Any(a => c.StartsWith(a, StringComparison.Ordinal))).Distinct().ToArray();
            Assert.True(airlines.Length <= 1, string.Join(", ", all));
            Assert.Empty(session.Errors);
        }
    }

    [Fact]
    public async Task DebugMode_OutlinesSlots_LogsDecisions_AndWithAKeyExplainsEveryCandidate()
    {
        var key = await ConsoleSignIn.KeyAsync(_fixture, "debugging a page", "trafficker");
        var (session, _) = await OpenAsync("""
            <ins class="suara-ad" id="top" data-placement="article-top"></ins>
            <ins class="suara-ad" id="broken" data-placement="sidebr"></ins>
            """);
        await using (session)
        {
            var page = session.Page;
            var logged = new ConcurrentQueue<string>();
            page.Console += (_, m) => logged.Enqueue(m.Type + ": " + m.Text);
            await page.AddInitScriptAsync($"localStorage.setItem('suara_ads_debug_key', '{key}')");
            await page.GotoAsync(_publisher.Origin + "/news/article.html?suara_debug=1");
            await page.WaitForFunctionAsync("() => document.getElementById('top').dataset.suaraStatus === 'filled'");
            Assert.Contains("dashed", await page.EvaluateAsync<string>("() => document.getElementById('top').style.outline"), StringComparison.Ordinal);
            Assert.StartsWith("Suara Ads: top · ", await page.GetAttributeAsync("ins#top", "title"), StringComparison.Ordinal);
            Assert.Contains("unknown placement 'sidebr'", await page.GetAttributeAsync("ins#broken", "title") ?? "", StringComparison.Ordinal);

            // The explain request carries the key; its verdicts reach the console as a table per slot.
            var explain = await session.WaitForRequestAsync(r => r.Url.EndsWith("/v1/decisions?explain=true", StringComparison.Ordinal));
            Assert.Equal(200, (await explain.ResponseAsync())!.Status);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!logged.Any(l => l.Contains("why slot \"top\"", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            {
                await page.WaitForTimeoutAsync(50);
            }

            Assert.Contains(logged, l => l.StartsWith("info: Suara Ads debug: slot \"top\"", StringComparison.Ordinal));
            Assert.Contains(logged, l => l.Contains("why slot \"top\"", StringComparison.Ordinal));
            Assert.Contains(logged, l => l.StartsWith("table:", StringComparison.Ordinal));

            // Without debug in the URL, none of it.
            logged.Clear();
            await page.GotoAsync(_publisher.Origin + "/news/article.html");
            await page.WaitForFunctionAsync("() => document.getElementById('top').dataset.suaraStatus === 'filled'");
            Assert.Equal("", await page.EvaluateAsync<string>("() => document.getElementById('top').style.outline"));
            Assert.DoesNotContain(logged, l => l.Contains("Suara Ads debug", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ABreakpointCrossed_AsksForTheSlotAgainInItsNewSizes()
    {
        var (session, _) = await OpenAsync("""<ins class="suara-ad" id="top" data-placement="article-top" data-sizes="(min-width: 800px) 728x90, 320x50"></ins>""");
        await using (session)
        {
            var page = session.Page;
            await page.GotoAsync(_publisher.Origin + "/news/article.html");
            await page.WaitForFunctionAsync("() => document.getElementById('top').dataset.suaraStatus === 'filled'");
            Assert.Equal(["728x90"], session.DecisionRequests[0]["slots"]![0]!["sizes"]!.AsArray().Select(z => (string)z!));
            Assert.Equal("728px", await page.EvaluateAsync<string>("() => document.getElementById('top').style.width"));

            // A phone's width: the slot is asked for again, in the size for narrow screens.
            await page.SetViewportSizeAsync(400, 800);
            await page.WaitForFunctionAsync("() => document.getElementById('top').style.width === '320px'");
            Assert.Equal(2, session.DecisionRequests.Count);
            Assert.Equal(["320x50"], session.DecisionRequests[1]["slots"]![0]!["sizes"]!.AsArray().Select(z => (string)z!));

            // Resizing within the same break asks for nothing.
            await page.SetViewportSizeAsync(420, 700);
            await page.EvaluateAsync("() => new Promise(r => setTimeout(r, 400))");
            Assert.Equal(2, session.DecisionRequests.Count);
            Assert.Empty(session.Errors);
        }
    }

    [Fact]
    public async Task ARoadblock_FillsEverySlotItListsOnThePage()
    {
        // Only on pages that ask for it (kv.takeover), so the other tests of this server never meet it.
        await PutCampaignAsync("takeover", JsonNode.Parse("""
            { "advertiserId": "belibox", "name": "Belibox takes the page", "status": "active", "roadblock": true,
              "start": "2026-01-01T00:00:00Z", "end": "2027-12-31T23:59:59Z", "priority": "sponsorship",
              "placements": ["article-top", "footer"], "targeting": "kv.takeover == 'yes'",
              "creatives": [
                { "id": "takeover-top", "format": "image", "size": "728x90", "imageUrl": "/creatives/belibox-gadget-week-728x90.svg", "alt": "Belibox: the whole page is yours", "clickUrl": "https://belibox.example/top" },
                { "id": "takeover-foot", "format": "text", "size": "728x90", "headline": "Belibox: and the footer too", "clickUrl": "https://belibox.example/foot" } ] }
            """)!.AsObject());
        var (session, _) = await OpenAsync("""
            <ins class="suara-ad" id="top" data-placement="article-top" data-sizes="728x90" data-kv-takeover="yes"></ins>
            <ins class="suara-ad" id="side" data-placement="sidebar"></ins>
            <ins class="suara-ad" id="foot" data-placement="footer" data-kv-takeover="yes"></ins>
            """);
        await using (session)
        {
            var page = session.Page;
            await page.GotoAsync(_publisher.Origin + "/news/article.html");
            await page.WaitForFunctionAsync("() => ['top', 'side', 'foot'].every(id => document.getElementById(id).dataset.suaraStatus === 'filled')");
            Assert.Equal("takeover", await page.GetAttributeAsync("ins#top", "data-campaign"));
            Assert.Equal("takeover", await page.GetAttributeAsync("ins#foot", "data-campaign"));
            Assert.NotEqual("takeover", await page.GetAttributeAsync("ins#side", "data-campaign")); // not one of its placements
            Assert.NotEqual(await page.GetAttributeAsync("ins#top", "data-creative"), await page.GetAttributeAsync("ins#foot", "data-creative"));
            await session.ScreenshotAsync("publisher-roadblock.png");
        }
    }

    [Fact]
    public async Task TheIframeTag_TellsThePageWhatBecameOfTheSlot_CountsItsViewable_AndShowsNoErrorText()
    {
        var (session, _) = await OpenAsync($$"""
            <script>
              window.messages = [];
              addEventListener('message', function (e) {
                if (!e.data || e.data.type !== 'suara-ads:slot') return;
                var frame = [].find.call(document.querySelectorAll('iframe'), function (f) { return f.contentWindow === e.source; });
                window.messages.push({ id: frame && frame.id, status: e.data.status, width: e.data.width, height: e.data.height });
              });
            </script>
            <iframe id="good" src="{{_fixture.BaseUrl}}/v1/slot.html?site=suara&amp;placement=sidebar&amp;section=news&amp;sizes=300x250" width="300" height="250" style="border:0" title="Advertisement"></iframe>
            <iframe id="bad" src="{{_fixture.BaseUrl}}/v1/slot.html?site=suara&amp;placement=sidebr" width="300" height="250" style="border:0" title="Advertisement"></iframe>
            """);
        await using (session)
        {
            var page = session.Page;
            await page.GotoAsync(_publisher.Origin + "/news/article.html");
            await page.WaitForFunctionAsync("() => window.messages.length === 2");
            var messages = JsonNode.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.messages)"))!.AsArray().ToDictionary(m => (string)m!["id"]!, m => m!);
            Assert.Equal("filled", (string)messages["good"]["status"]!);
            Assert.Equal((300, 250), ((int)messages["good"]["width"]!, (int)messages["good"]["height"]!));
            Assert.Equal("error", (string)messages["bad"]["status"]!);

            // The bad frame shows a reader nothing; the good one counts its viewable event (in view for a second).
            var bad = page.Frames.Single(f => f.Url.Contains("placement=sidebr", StringComparison.Ordinal));
            Assert.Equal("", (await bad.EvaluateAsync<string>("() => document.body.innerText")).Trim());
            var good = page.Frames.Single(f => f.Url.Contains("placement=sidebar", StringComparison.Ordinal));
            var viewable = await good.EvaluateAsync<string>("() => JSON.parse(document.getElementById('suara-slot').textContent).viewable");
            var beacon = await session.WaitForRequestAsync(viewable);
            Assert.Equal(204, (await beacon.ResponseAsync())?.Status);
            Assert.Null(await beacon.HeaderValueAsync("referer")); // Referrer-Policy: no-referrer: the page's URL stays with the page
        }
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task WithATcfCmp_AViewerIdOnlyWithConsentToPurposeOne(bool consent, bool expectViewer)
    {
        // A stub CMP as IAB's TCF v2.2 API has it: __tcfapi('addEventListener', 2, callback).
        var cmp = $$"""
            <script>
              window.__tcfapi = function (command, version, callback) {
                if (command === 'addEventListener') {
                  setTimeout(function () {
                    callback({ tcString: 'stub', gdprApplies: true, eventStatus: 'tcloaded', listenerId: 1, purpose: { consents: { 1: {{(consent ? "true" : "false")}} } } }, true);
                  }, 50);
                }
              };
            </script>
            """;
        var (session, _) = await OpenAsync("""<ins class="suara-ad" id="top" data-placement="article-top"></ins>""", cmp);
        await using (session)
        {
            var page = session.Page;
            await page.GotoAsync(_publisher.Origin + "/news/article.html");
            await page.WaitForFunctionAsync("() => ['filled', 'empty'].includes(document.getElementById('top').dataset.suaraStatus)");
            var request = Assert.Single(session.DecisionRequests);
            Assert.Equal(expectViewer, request["user"] is not null);
            Assert.Equal(expectViewer, await page.EvaluateAsync<string?>("localStorage.getItem('suara_ads_vid')") is not null);
        }
    }

    public void Dispose() => _publisher.Dispose();

    [Fact]
    public async Task UnderGlobalPrivacyControl_NoViewerIdIsKeptOrSent_AndAdsStillShow()
    {
        var (session, _) = await OpenAsync("""<ins class="suara-ad" id="top" data-placement="article-top"></ins>""", globalPrivacyControl: true);
        await using (session)
        {
            var page = session.Page;
            await page.GotoAsync(_publisher.Origin + "/news/article.html");
            await page.WaitForFunctionAsync("() => document.getElementById('top').dataset.suaraStatus === 'filled'");
            Assert.Null(Assert.Single(session.DecisionRequests)["user"]);
            Assert.Null(await page.EvaluateAsync<string?>("localStorage.getItem('suara_ads_vid')"));
        }
    }

    /// <summary><c>campaign/creative</c> of each filled slot among <paramref name="ids"/>.</summary>
    private static async Task<List<string>> ShownAsync(IPage page, string[] ids)
    {
        var shown = new List<string>();
        foreach (var id in ids)
        {
            if (await StatusOfAsync(page, id) == "filled")
            {
                shown.Add(await page.GetAttributeAsync($"ins#{id}", "data-campaign") + "/" + await page.GetAttributeAsync($"ins#{id}", "data-creative"));
            }
        }

        return shown;
    }
}

/// <summary>The publisher's own web server: one page at any path, on <c>http://localhost:PORT</c>.</summary>
internal sealed class PublisherSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public PublisherSite()
    {
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Origin = $"http://localhost:{port}";
        _listener.Prefixes.Add(Origin + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public string Origin { get; }

    /// <summary>The HTML every path answers with.</summary>
    public string Page { get; set; } = "<!doctype html><title>empty</title>";

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _serving.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // closed while waiting for a request
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var bytes = Encoding.UTF8.GetBytes(Page);
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}
