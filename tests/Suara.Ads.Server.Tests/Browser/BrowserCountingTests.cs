using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>What a real browser did on the demo page is what Redis counted: served, impressions, viewables, clicks.</summary>
public sealed class BrowserCountingTests : IClassFixture<BrowserFixture>
{
    private readonly BrowserFixture _fixture;

    public BrowserCountingTests(BrowserFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task DemoPage_ViewScrollAndClick_CountsInRedisMatchWhatTheBrowserDid()
    {
        using var redis = TestRedis.Connect();
        await using var session = await BrowserSession.OpenAsync(_fixture);
        var decision = await session.GotoAsync("/demo/index.html");
        await session.WaitForSlotsAsync("filled");
        var slots = decision["slots"]!.AsObject().Select(s => s.Value!).ToArray();

        // Every impression goes out; scrolling to the bottom makes the footer viewable; one click on the footer ad.
        foreach (var slot in slots)
        {
            await session.WaitForRequestAsync(session.Absolute((string)slot["impressionUrl"]!));
        }

        await session.Page.EvaluateAsync("window.scrollTo(0, document.documentElement.scrollHeight)");
        var foot = decision["slots"]!["foot"]!;
        await session.WaitForRequestAsync(session.Absolute((string)foot["viewableUrl"]!));
        var clickUrl = session.Absolute((string)foot["clickUrl"]!);
        await session.Page.RunAndWaitForPopupAsync(() => session.Page.Locator("ins#foot a").ClickAsync());
        var click = await session.WaitForRequestAsync(clickUrl);
        Assert.Equal(302, (await click.ResponseAsync())?.Status);

        // A reload of the same beacons (a browser retry, say) must not count again.
        using (var again = new HttpClient())
        {
            again.DefaultRequestHeaders.UserAgent.ParseAdd(AdsServerFactory.BrowserUserAgent);
            await again.GetAsync(session.Absolute((string)foot["impressionUrl"]!));
        }

        await _fixture.Services.GetRequiredService<CountingFlusher>().FlushAsync();

        int Distinct(string field) => slots.Select(s => session.Absolute((string)s[field]!)).Count(u => session.EventRequests.Contains(u));
        var totals = await CounterReader.TotalsAsync(redis.GetDatabase(), _fixture.KeyPrefix, null, _fixture.Time.GetUtcNow());
        Assert.Equal(slots.Length, totals['s']);
        Assert.Equal(Distinct("impressionUrl"), totals['i']);
        Assert.Equal(4, totals['i']);
        Assert.Equal(0, totals['x']); // a reader's browser is not invalid traffic
        Assert.Equal(Distinct("viewableUrl"), totals['v']);
        Assert.InRange(totals['v'], 1, 4);
        Assert.Equal(1, totals['c']);
        Assert.Empty(session.Errors);
    }
}
