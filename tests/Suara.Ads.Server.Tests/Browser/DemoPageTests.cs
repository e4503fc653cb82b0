using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>ads.js on the demo site, in a real (headless) browser against the real server.</summary>
public sealed class DemoPageTests : IClassFixture<BrowserFixture>
{
    private static readonly string[] s_slots = ["top", "inline", "side", "foot"];
    private static readonly string[] s_airlines = ["skyway", "kenyalang", "selatjet"];

    private readonly BrowserFixture _fixture;

    public DemoPageTests(BrowserFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task DemoPage_Load_FillsEverySlotAndSendsOneImpressionEach()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture);

        var decision = await session.GotoAsync("/demo/index.html");
        await session.WaitForSlotsAsync("filled");

        // One request for all four slots, with the page's targeting and a first-party viewer id.
        var request = Assert.Single(session.DecisionRequests);
        Assert.Equal("suara", (string?)request["site"]);
        Assert.Equal(s_slots, request["slots"]!.AsArray().Select(s => (string?)s!["id"]));
        Assert.Equal(["article-top", "article-inline", "sidebar", "footer"], request["slots"]!.AsArray().Select(s => (string?)s!["placement"]));
        Assert.Equal("news", (string?)request["page"]!["section"]);
        Assert.Equal("en", (string?)request["page"]!["language"]);
        Assert.Equal(session.Absolute("/demo/index.html"), (string?)request["page"]!["url"]);
        Assert.Contains("flood", request["page"]!["keywords"]!.AsArray().Select(k => (string?)k));
        Assert.Equal("article", (string?)request["kv"]!["template"]);
        var viewer = (string?)request["user"]!["id"];
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", viewer);
        Assert.Equal(viewer, await session.Page.EvaluateAsync<string>("localStorage.getItem('suara_ads_vid')"));

        // Each slot shows what the server chose, and its impression beacon goes out once.
        foreach (var id in s_slots)
        {
            var slot = decision["slots"]![id]!;
            var ins = session.Page.Locator($"ins#{id}");
            Assert.Equal((string?)slot["campaignId"], await ins.GetAttributeAsync("data-campaign"));
            Assert.Equal((string?)slot["creativeId"], await ins.GetAttributeAsync("data-creative"));
            var impression = session.Absolute((string)slot["impressionUrl"]!);
            var beacon = await session.WaitForRequestAsync(impression);
            Assert.Equal(204, (await beacon.ResponseAsync())?.Status);
            Assert.Single(session.EventRequests, u => u == impression);
        }

        // The footer starts below the fold: no viewable event for it yet.
        Assert.DoesNotContain(session.Absolute((string)decision["slots"]!["foot"]!["viewableUrl"]!), session.EventRequests);

        await session.ScreenshotAsync("demo-page.png");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task DemoPage_TenReloads_NeverShowTwoAirlinesTogether()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture);
        await session.GotoAsync("/demo/index.html");
        for (var i = 0; i < 10; i++)
        {
            if (i > 0)
            {
                await session.ReloadAsync();
            }

            await session.WaitForSlotsAsync("filled");
            var campaigns = await session.Page.EvaluateAsync<string[]>("[...document.querySelectorAll('ins.suara-ad')].map(e => e.dataset.campaign)");
            Assert.Equal(4, campaigns.Length);
            var airlines = campaigns.Where(c => s_airlines.Any(a => c.StartsWith(a, StringComparison.Ordinal))).Distinct().ToArray();
            Assert.True(airlines.Length <= 1, $"reload {i}: {string.Join(", ", campaigns)}");
        }

        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task DemoPage_ScrollToFooter_SendsFooterViewableOnce()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture);
        var decision = await session.GotoAsync("/demo/index.html");
        await session.WaitForSlotsAsync("filled");
        var topViewable = session.Absolute((string)decision["slots"]!["top"]!["viewableUrl"]!);
        var footViewable = session.Absolute((string)decision["slots"]!["foot"]!["viewableUrl"]!);

        // The leaderboard is in view from the start: after one second it is viewable.
        await session.WaitForRequestAsync(topViewable);
        Assert.DoesNotContain(footViewable, session.EventRequests);

        await session.Page.EvaluateAsync("window.scrollTo(0, document.documentElement.scrollHeight)");
        var beacon = await session.WaitForRequestAsync(footViewable);
        Assert.Equal(204, (await beacon.ResponseAsync())?.Status);

        // Back up and down again: the viewable event is sent once per ad, however often it is seen.
        await session.Page.EvaluateAsync("window.scrollTo(0, 0)");
        await session.Page.EvaluateAsync("window.scrollTo(0, document.documentElement.scrollHeight)");
        await session.Page.Locator("ins#foot").ScrollIntoViewIfNeededAsync();
        Assert.Single(session.EventRequests, u => u == footViewable);
        Assert.Single(session.EventRequests, u => u == topViewable);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task DemoPage_TabHidden_PausesTheViewableClock()
    {
        var (session, decision) = await OpenOnPageClockAsync(startHidden: true);
        await using var _ = session;
        var viewable = session.Absolute((string)decision["slots"]!["top"]!["viewableUrl"]!);

        // The leaderboard is in view, but the tab is hidden: the clock does not start.
        await AfterIntersectionUpdateAsync(session, "top");
        await session.Page.Clock.RunForAsync(5_000);
        Assert.Equal(0, await BeaconsSentAsync(session, viewable));

        // Visible for 0.9 s, hidden for 0.05 s: the continuous second is broken and starts over.
        await session.Page.EvaluateAsync("window.__setHidden(false)");
        await session.Page.Clock.RunForAsync(900);
        await session.Page.EvaluateAsync("window.__setHidden(true)");
        await session.Page.Clock.RunForAsync(50);
        Assert.Equal(0, await BeaconsSentAsync(session, viewable));

        await session.Page.EvaluateAsync("window.__setHidden(false)");
        await AssertViewableAfterOneSecondAsync(session, viewable);
    }

    [Fact]
    public async Task DemoPage_ScrolledOutBeforeOneSecond_RestartsTheViewableClock()
    {
        var (session, decision) = await OpenOnPageClockAsync(startHidden: false);
        await using var _ = session;
        var viewable = session.Absolute((string)decision["slots"]!["foot"]!["viewableUrl"]!);
        const string Bottom = "window.scrollTo(0, document.documentElement.scrollHeight)";

        // In view for 0.9 s, out for 0.05 s: not viewable yet, and the second starts over.
        await session.Page.EvaluateAsync(Bottom);
        await AfterIntersectionUpdateAsync(session, "foot");
        await session.Page.Clock.RunForAsync(900);
        await session.Page.EvaluateAsync("window.scrollTo(0, 0)");
        await AfterIntersectionUpdateAsync(session, "foot");
        await session.Page.Clock.RunForAsync(50);
        Assert.Equal(0, await BeaconsSentAsync(session, viewable));

        await session.Page.EvaluateAsync(Bottom);
        await AfterIntersectionUpdateAsync(session, "foot");
        await AssertViewableAfterOneSecondAsync(session, viewable);
    }

    /// <summary>
    /// Opens the news page with its timers on Playwright's clock, paused once every slot is filled; the tab's
    /// visibility a switch (<c>__setHidden</c>); and every beacon recorded in the page at the moment it is sent, so
    /// that "not sent yet" is exact rather than a race with the network.
    /// </summary>
    private async Task<(BrowserSession Session, JsonObject Decision)> OpenOnPageClockAsync(bool startHidden)
    {
        var session = await BrowserSession.OpenAsync(_fixture);
        await session.Context.AddInitScriptAsync($$"""
            window.__hidden = {{(startHidden ? "true" : "false")}};
            Object.defineProperty(Document.prototype, 'hidden', { get: () => window.__hidden, configurable: true });
            Object.defineProperty(Document.prototype, 'visibilityState', { get: () => window.__hidden ? 'hidden' : 'visible', configurable: true });
            window.__setHidden = h => { window.__hidden = h; document.dispatchEvent(new Event('visibilitychange')); };
            window.__beacons = [];
            const send = navigator.sendBeacon.bind(navigator);
            navigator.sendBeacon = (url, data) => { window.__beacons.push(url); return send(url, data); };
            """);
        var start = new DateTime(2026, 11, 30, 12, 0, 0, DateTimeKind.Utc);
        await session.Page.Clock.InstallAsync(new ClockInstallOptions { TimeDate = start });
        var decision = await session.GotoAsync("/demo/index.html");
        await session.WaitForSlotsAsync("filled");
        foreach (var slot in s_slots)
        {
            await session.WaitForRequestAsync(session.Absolute((string)decision["slots"]![slot]!["impressionUrl"]!));
        }

        await session.Page.Clock.PauseAtAsync(start.AddHours(1));
        return (session, decision);
    }

    /// <summary>
    /// Resolves after the browser's next intersection update for the slot, which reaches ads.js's observer (created
    /// earlier) before this one. Rendering is not on the page clock, so this works while the clock is paused.
    /// </summary>
    private static Task AfterIntersectionUpdateAsync(BrowserSession session, string slotId) =>
        session.Page.EvaluateAsync("id => new Promise(r => new IntersectionObserver((_, o) => { o.disconnect(); r(); }).observe(document.getElementById(id)))", slotId);

    private static Task<int> BeaconsSentAsync(BrowserSession session, string url) =>
        session.Page.EvaluateAsync<int>("url => window.__beacons.filter(u => u === url).length", url);

    /// <summary>After one full second in view, and not before, the viewable event goes out, once, and is accepted.</summary>
    private static async Task AssertViewableAfterOneSecondAsync(BrowserSession session, string viewable)
    {
        await session.Page.Clock.RunForAsync(990);
        Assert.Equal(0, await BeaconsSentAsync(session, viewable));
        await session.Page.Clock.RunForAsync(20);
        Assert.Equal(1, await BeaconsSentAsync(session, viewable));
        await session.Page.Clock.RunForAsync(5_000);
        Assert.Equal(1, await BeaconsSentAsync(session, viewable));
        Assert.Equal(204, (await (await session.WaitForRequestAsync(viewable)).ResponseAsync())?.Status);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task DemoPage_ClickFooterCreative_GoesThroughClickUrlToLandingPage()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture);
        var decision = await session.GotoAsync("/demo/index.html");
        await session.WaitForSlotsAsync("filled");
        var foot = decision["slots"]!["foot"]!;
        var clickUrl = session.Absolute((string)foot["clickUrl"]!);
        var landing = DemoCatalog.ClickUrl((string)foot["campaignId"]!, (string)foot["creativeId"]!);

        // The footer takes image and text creatives only: both are a link straight to the tracked click URL.
        var link = session.Page.Locator("ins#foot a");
        Assert.Equal(clickUrl, await link.GetAttributeAsync("href"));
        var popup = await session.Page.RunAndWaitForPopupAsync(() => link.ClickAsync());

        // The landing domains (*.example) do not resolve, and Playwright cannot route the target of a redirect
        // (route handlers see only the first URL of a chain), so the redirect chain itself is the evidence:
        // the new tab asked for the click URL, got a 302, and went on to the creative's own landing page.
        var arrived = await session.WaitForRequestAsync(r => r.Url == landing && r.IsNavigationRequest);
        Assert.Equal(clickUrl, arrived.RedirectedFrom?.Url);
        Assert.Equal(302, (await arrived.RedirectedFrom!.ResponseAsync())?.Status);
        Assert.Same(popup.MainFrame, arrived.Frame);
        Assert.Single(session.EventRequests, u => u == clickUrl);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task DemoPage_GlobalPrivacyControl_SendsNoViewerAndStoresNone()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture, globalPrivacyControl: true);
        await session.GotoAsync("/demo/index.html");
        await session.WaitForSlotsAsync("filled");

        var request = Assert.Single(session.DecisionRequests);
        Assert.False(request.ContainsKey("user"));
        Assert.Null(await session.Page.EvaluateAsync<string?>("localStorage.getItem('suara_ads_vid')"));
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task DemoPage_AdServerUnreachable_HidesSlotsAndLeavesThePageAlone()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture);
        await session.Context.RouteAsync("**/v1/decisions", route => route.AbortAsync("connectionrefused"));

        await session.Page.GotoAsync(session.Absolute("/demo/index.html"));
        await session.WaitForSlotsAsync("error");

        Assert.Equal(4, await session.Page.Locator("ins.suara-ad").EvaluateAllAsync<int>("all => all.filter(e => getComputedStyle(e).display === 'none').length"));
        Assert.Equal("Relief convoys reach cut-off villages as east coast floods recede", await session.Page.InnerTextAsync("h1"));
        Assert.Empty(session.EventRequests);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task DemoPage_SlotAddedLater_IsRequestedAloneAndFilled()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture);
        await session.GotoAsync("/demo/index.html");
        await session.WaitForSlotsAsync("filled");

        await session.Page.ClickAsync("#load-more");
        await session.Page.WaitForSelectorAsync("#extra-stories ins.suara-ad[data-suara-status=filled]");

        Assert.Equal(2, session.DecisionRequests.Count);
        var added = Assert.Single(session.DecisionRequests[1]["slots"]!.AsArray());
        Assert.Equal("article-inline", (string?)added!["placement"]);
        Assert.Equal("slot-1", (string?)added["id"]);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task SuaraAdsApi_RefreshAndCmd_RequestTheGivenSlotAgainAndRunQueuedFunctions()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture);
        await session.GotoAsync("/demo/index.html");
        await session.WaitForSlotsAsync("filled");

        // cmd runs at once after load, and refresh() asks for just the slots it is given.
        var ran = await session.Page.EvaluateAsync<bool>(
            "new Promise(resolve => window.suaraAds.cmd.push(api => { api.refresh(document.getElementById('side')); resolve(true); }))");
        Assert.True(ran);
        await session.WaitForRequestAsync(r => r.Url.EndsWith("/v1/decisions", StringComparison.Ordinal) && r.PostData!.Contains("\"side\"", StringComparison.Ordinal) && !r.PostData.Contains("\"top\"", StringComparison.Ordinal));
        await session.WaitForSlotsAsync("filled");
        var refreshed = session.DecisionRequests[^1];
        Assert.Equal(["side"], refreshed["slots"]!.AsArray().Select(s => (string?)s!["id"]));
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task SportPage_LazyFooter_IsRequestedOnlyNearTheViewport()
    {
        await using var session = await BrowserSession.OpenAsync(_fixture);
        await session.GotoAsync("/demo/sport.html");
        await session.Page.WaitForFunctionAsync("() => ['top','inline','side'].every(id => document.getElementById(id).dataset.suaraStatus === 'filled')");

        // Targeting from the script tag's data attributes.
        var first = Assert.Single(session.DecisionRequests);
        Assert.Equal("sport", (string?)first["page"]!["section"]);
        Assert.Equal(["football", "cup", "selangor"], first["page"]!["keywords"]!.AsArray().Select(k => (string?)k));
        Assert.Equal(["top", "inline", "side"], first["slots"]!.AsArray().Select(s => (string?)s!["id"]));
        Assert.Equal("lazy", await session.Page.Locator("ins#foot").GetAttributeAsync("data-suara-status"));

        await session.Page.EvaluateAsync("window.scrollTo(0, document.documentElement.scrollHeight)");
        await session.Page.WaitForSelectorAsync("ins#foot[data-suara-status=filled]");
        Assert.Equal(2, session.DecisionRequests.Count);
        Assert.Equal(["foot"], session.DecisionRequests[1]["slots"]!.AsArray().Select(s => (string?)s!["id"]));
        await session.ScreenshotAsync("demo-sport-page.png");
        Assert.Empty(session.Errors);
    }
}
