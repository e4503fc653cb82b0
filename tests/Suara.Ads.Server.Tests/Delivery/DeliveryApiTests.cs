using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Delivery;

/// <summary><c>GET /v1/admin/delivery</c>: each campaign's delivery today and over the flight against its goal, and how its pacing stands.</summary>
public sealed class DeliveryApiTests
{
    [Fact]
    public async Task Delivery_SaysWhatEachCampaignDelivered_AndWhetherItIsOnTrack()
    {
        TestRedis.Connect().Dispose();
        // At the factory's noon in Kuala Lumpur, even delivery of 40 a day is at 20.
        var daily = TestCatalog.Campaign("daily") with { Goal = new CampaignGoal { Impressions = 40, Per = "day" }, Pacing = "even" };
        var clicks = TestCatalog.Campaign("clicky") with
        {
            Goal = new CampaignGoal { Clicks = 2, Per = "flight" },
            Rate = new CampaignRate { Model = "cpc", Amount = 0.5m, Currency = "MYR" },
            Placements = ["article-top"],
            Creatives = [new Creative { Id = "top", Format = "image", Size = "728x90", ImageUrl = "/creatives/x.svg", Alt = "x", ClickUrl = "https://skyway.example/" }],
        };
        using var factory = new AdsServerFactory(TestCatalog.Document(daily, clicks, TestCatalog.Campaign("plain") with { Placements = ["elsewhere"] }));
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        for (var i = 0; i < 5; i++)
        {
            var slot = await Pages.ServeAsync(client);
            Assert.Equal("daily", slot?.CampaignId);
            await Pages.BeaconAsync(client, slot!.ImpressionUrl);
        }

        for (var i = 0; i < 2; i++)
        {
            using var response = await client.PostAsync("/v1/decisions", new StringContent("""{"site":"suara","slots":[{"id":"t","placement":"article-top"}]}""", System.Text.Encoding.UTF8, "application/json"));
            var top = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!["t"]!;
            await Pages.BeaconAsync(client, (string)top["impressionUrl"]!);
            await Pages.BeaconAsync(client, (string)top["clickUrl"]!);
        }

        await Pages.SyncAsync(factory);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/admin/delivery?limit=2") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey) } };
        using var first = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var page = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var rows = page["campaigns"]!.AsArray();
        Assert.Equal(["clicky", "daily"], rows.Select(r => (string)r!["campaignId"]!));
        Assert.Equal("daily", (string)page["next"]!);

        var clicky = rows[0]!;
        Assert.Equal("clicks", (string)clicky["unit"]!);
        Assert.Equal(2, (long)clicky["flight"]!);
        Assert.Equal("reached", (string)clicky["pacing"]!);

        var even = rows[1]!;
        Assert.Equal("impressions", (string)even["unit"]!);
        Assert.Equal(5, (long)even["today"]!);
        Assert.Equal(40, (long)even["goal"]!);
        Assert.Equal(20, (long)even["expected"]!);
        Assert.Equal("behind", (string)even["pacing"]!);

        using var nextRequest = new HttpRequestMessage(HttpMethod.Get, "/v1/admin/delivery?limit=2&after=daily") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey) } };
        var rest = JsonNode.Parse(await (await client.SendAsync(nextRequest)).Content.ReadAsStringAsync())!;
        var plain = Assert.Single(rest["campaigns"]!.AsArray())!;
        Assert.Equal("no goal", (string)plain["pacing"]!);
        Assert.Null(rest["next"]);
    }

    [Fact]
    public async Task Delivery_OnePageOfFiftyIsOnePipelinedRoundTrip()
    {
        // A Redis of this test's own, frozen while the page is asked for: a page that sends its reads one after another
        // gets no answer to its first until the thaw, so it cannot hand over the rest before; one that pipelines them
        // hands them all over meanwhile. (Against a Redis that answers at once, a busy machine could pause the handing
        // for longer than a round trip, and a correct page looked sequential.)
        using var redis = new RedisProcess();
        // Sixty campaigns without goals (so the delivery refresher reads none of them meanwhile).
        var campaigns = Enumerable.Range(0, 60).Select(i => TestCatalog.Campaign($"c{i:000}")).ToArray();
        using var factory = new AdsServerFactory(TestCatalog.Document(campaigns), redis: redis.Configuration);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/admin/delivery?limit=50")).StatusCode); // warm

        var multiplexer = factory.Services.GetRequiredService<Suara.Ads.Server.Hosting.RedisConnection>().Multiplexer;
        var session = new StackExchange.Redis.Profiling.ProfilingSession();
        multiplexer.RegisterProfiler(() => session);
        HttpResponseMessage response;
        redis.Freeze();
        try
        {
            var asked = client.GetAsync("/v1/admin/delivery?limit=50");

            // Until 50 commands wait on the connection (a pipelining page's reads), or, for one that sends one at a
            // time and never gets there, for a while: a guard, not a timing assertion (the assertion below decides).
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            while (!guard.IsCancellationRequested && Waiting(multiplexer) < 50)
            {
                await Task.Delay(5, CancellationToken.None);
            }

            redis.Thaw();
            response = await asked;
        }
        finally
        {
            redis.Thaw();
            multiplexer.RegisterProfiler(() => null);
        }

        using var _ = response;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(50, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["campaigns"]!.AsArray().Count);

        // Every read of the page was handed to the connection before the first answer came back: one round trip, not
        // fifty.
        var reads = session.FinishProfiling().Where(c => c.Command == "HMGET").ToList();
        Assert.InRange(reads.Count, 51, 50 + Core.Counting.CounterGroups.Count); // each campaign's own hash, and each group's
        var lastSent = reads.Max(c => c.CommandCreated + c.CreationToEnqueued);
        var firstAnswer = reads.Min(c => c.CommandCreated + c.CreationToEnqueued + c.EnqueuedToSending + c.SentToResponse);
        Assert.True(lastSent <= firstAnswer, $"the last read was handed over {(lastSent - firstAnswer).TotalMilliseconds:0.000} ms after the first answer");
    }

    /// <summary>Commands handed to the connection and not yet answered (queued, or sent and awaiting their response).</summary>
    private static long Waiting(StackExchange.Redis.IConnectionMultiplexer multiplexer)
    {
        var counters = multiplexer.GetCounters().Interactive;
        return counters.PendingUnsentItems + counters.SentItemsAwaitingResponse;
    }
}
