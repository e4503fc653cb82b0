using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Events;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Traffic;

/// <summary>
/// General invalid traffic is answered as usual and counted as nothing but <c>invalid</c>, by reason: in Redis, in the
/// reports' totals and rows. Nothing invalid feeds goals or caps.
/// </summary>
public sealed class InvalidTrafficTests
{
    private const string Googlebot = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.204 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

    private static CatalogDocument Catalog() => TestCatalog.Document(TestCatalog.Campaign("london") with
    {
        Goal = new CampaignGoal { Impressions = 1_000, Per = "flight" },
        FrequencyCap = new FrequencyCap { Impressions = 50, Per = "day" },
    });

    private static HttpClient Client(AdsServerFactory factory, string? userAgent)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.UserAgent.Clear();
        if (userAgent is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", userAgent);
        }

        return client;
    }

    private static async Task<JsonNode> ReportTotalsAsync(AdsServerFactory factory)
    {
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/reports/campaigns/london?from=2026-11-30&to=2026-11-30");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [Fact]
    public async Task Crawler_WholePath_IsAnsweredButCountsOnlyAsInvalidBot()
    {
        using var factory = new AdsServerFactory(Catalog());
        var bot = Client(factory, Googlebot);

        var slot = await Pages.ServeAsync(bot, "crawler-1");
        Assert.NotNull(slot); // answered, so the page renders for the crawler as for anyone
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(bot, slot.ImpressionUrl));
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(bot, slot.ViewableUrl));
        using (var click = await bot.GetAsync(slot.ClickUrl))
        {
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode); // the click still goes to the landing page
            Assert.Equal("https://skyway.example/london?a=1&b=2", click.Headers.Location?.ToString());
        }

        var (totals, invalid) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal((0, 0, 0, 0), (totals['s'], totals['i'], totals['v'], totals['c']));
        Assert.Equal(4, invalid['b']); // the decision's slot, the impression, the viewable, the click
        Assert.Equal(4, totals['x']);

        // Nothing reached delivery: no goal progress, no viewer state.
        Assert.True(factory.Services.GetRequiredService<RedisDeliveryLedger>().TryGetFlightDelivered("london", out var delivered));
        Assert.Equal(0, delivered);
        using var redis = TestRedis.Connect();
        Assert.False(await redis.GetDatabase().KeyExistsAsync(factory.Services.GetRequiredService<DeliveryKeys>().Viewer(factory.Services.GetRequiredService<Core.Delivery.ViewerDigest>().Of("crawler-1"))));

        // The reports say so, in the totals and in the row.
        var report = await ReportTotalsAsync(factory);
        Assert.Equal(4, (long)report["totals"]!["invalid"]!);
        Assert.Equal(4, (long)report["totals"]!["invalidByReason"]!["bot"]!);
        Assert.Equal(0, (long)report["totals"]!["impressions"]!);
        Assert.Equal(4, (long)report["rows"]![0]!["invalid"]!);
    }

    [Fact]
    public async Task Prefetch_IsInvalid_AndDoesNotSpendTheToken()
    {
        using var factory = new AdsServerFactory(Catalog());
        var client = factory.CreateClient();

        // A prerendered page asks for ads: answered, counted as prefetch.
        var prefetched = await Pages.ServeAsync(client, configure: r => r.Headers.Add("Sec-Purpose", "prefetch;prerender"));
        Assert.NotNull(prefetched);

        // Its impression beacon, fetched speculatively, is not counted; when the page is shown, the same beacon counts.
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, prefetched.ImpressionUrl, r => r.Headers.Add("Purpose", "prefetch")));
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, prefetched.ImpressionUrl));

        var (totals, invalid) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(2, invalid['p']);
        Assert.Equal(0, totals['s']);
        Assert.Equal(1, totals['i']);
    }

    [Fact]
    public async Task ViewableOrClickWithoutImpression_IsInvalid_TheClickStillRedirects_AndCountsOnceTheImpressionIs()
    {
        using var factory = new AdsServerFactory(Catalog());
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var slot = await Pages.ServeAsync(client);
        Assert.NotNull(slot);

        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ViewableUrl));
        using (var click = await client.GetAsync(slot.ClickUrl))
        {
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
        }

        var (totals, invalid) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(2, invalid['n']);
        Assert.Equal((0, 0, 0), (totals['i'], totals['v'], totals['c']));

        // After the impression, the same viewable and click count (they were not spent), once each.
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl));
        await CounterReader.FlushAndReadAsync(factory, "london");
        for (var i = 0; i < 2; i++)
        {
            await Pages.BeaconAsync(client, slot.ViewableUrl);
            using var click = await client.GetAsync(slot.ClickUrl);
        }

        (totals, invalid) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal((1, 1, 1), (totals['i'], totals['v'], totals['c']));
        Assert.Equal(2, invalid['n']);

        // An impression and a click of another ad in one flush: the impression comes first, so both count.
        var other = await Pages.ServeAsync(client);
        Assert.NotNull(other);
        await Pages.BeaconAsync(client, other.ImpressionUrl);
        using (await client.GetAsync(other.ClickUrl))
        {
        }

        (totals, _) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal((2, 2), (totals['i'], totals['c']));
    }

    [Fact]
    public async Task Flood_BeyondThePerMinuteLimits_CountsAsInvalid_UntilTheNextMinute()
    {
        using var factory = new AdsServerFactory(Catalog(), settings: new Dictionary<string, string?>
        {
            ["Ads:Traffic:FloodDecisionsPerViewer"] = "3",
            ["Ads:Traffic:FloodEventsPerAddress"] = "4",
        });
        var client = factory.CreateClient();

        var slots = new List<Pages.Slot>();
        for (var i = 0; i < 5; i++)
        {
            slots.Add((await Pages.ServeAsync(client, "flooder"))!);
        }

        // Five decisions of one viewer in a minute, three allowed; another viewer is not affected.
        Assert.NotNull(await Pages.ServeAsync(client, "calm-reader"));
        var (totals, invalid) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(4, totals['s']);
        Assert.Equal(2, invalid['f']);

        // Six beacons from one address in a minute, four allowed.
        foreach (var slot in slots.Take(3))
        {
            await Pages.BeaconAsync(client, slot.ImpressionUrl);
            await Pages.BeaconAsync(client, slot.ViewableUrl);
        }

        (totals, invalid) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(2, totals['i']);
        Assert.Equal(2, totals['v']);
        Assert.Equal(2 + 2, invalid['f']);

        // A minute on, the windows start again.
        factory.Time.Advance(TimeSpan.FromMinutes(1));
        await Pages.BeaconAsync(client, slots[3].ImpressionUrl);
        (totals, _) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(3, totals['i']);
    }

    [Fact]
    public async Task Flood_AKeyedBackendSpeaksForManyViewers_OnlyEachViewersLimitApplies()
    {
        using var factory = new AdsServerFactory(Catalog(), settings: new Dictionary<string, string?>
        {
            ["Ads:Traffic:FloodDecisionsPerAddress"] = "3",
            ["Ads:Traffic:FloodDecisionsPerViewer"] = "2",
        });
        var backend = Client(factory, "python-requests/2.32.3"); // a backend's own User-Agent says nothing of its viewers
        backend.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
        for (var i = 0; i < 6; i++)
        {
            Assert.NotNull(await Pages.ServeAsync(backend, $"viewer-{i}"));
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await Pages.ServeAsync(backend, "viewer-0"));
        }

        var (totals, invalid) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(6 + 1, totals['s']); // viewer-0 had 1 + 3 decisions, 2 allowed
        Assert.Equal(2, invalid['f']);
        Assert.Equal(0, invalid['b']);
    }

    [Fact]
    public async Task BeaconWithoutUserAgent_IsInvalid()
    {
        using var factory = new AdsServerFactory(Catalog());
        var slot = await Pages.ServeAsync(factory.CreateClient());
        Assert.NotNull(slot);
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(Client(factory, null), slot.ImpressionUrl));

        var (totals, invalid) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(1, invalid['u']);
        Assert.Equal(0, totals['i']);
    }

    [Fact]
    public async Task Token_FromTheFuture_Is400_WithinTheClockSkewIsCounted()
    {
        using var factory = new AdsServerFactory(Catalog());
        var client = factory.CreateClient();
        var codec = new EventTokenCodec(AdsServerFactory.SigningKey);
        string Url(TimeSpan ahead) => "/v1/events/" + codec.Sign(new EventClaims
        {
            Type = EventType.Impression,
            DecisionId = Guid.NewGuid(),
            IssuedAt = factory.Time.GetUtcNow() + ahead,
            Site = "suara",
            Placement = "sidebar",
            Campaign = "london",
            Creative = "side",
        });

        using var future = await client.GetAsync(Url(TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.BadRequest, future.StatusCode);
        Assert.Equal("https://suara-ads.example/problems/future-token", (string?)JsonNode.Parse(await future.Content.ReadAsStringAsync())!["type"]);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(Url(TimeSpan.FromSeconds(30)))).StatusCode);

        var (totals, _) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(1, totals['i']);
    }
}
