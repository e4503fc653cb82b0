using System.Net;
using System.Text.Json.Nodes;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Traffic;

/// <summary>Rate limits per client address (429), and no Redis state for viewers who never see an ad.</summary>
public sealed class RateLimitAndDriveByTests
{
    /// <summary>The shipped defaults, as a deployment without any Ads:Traffic setting has them.</summary>
    private static readonly Dictionary<string, string?> s_defaults = new()
    {
        ["Ads:Traffic:DecisionsPerMinute"] = "1200",
        ["Ads:Traffic:EventsPerMinute"] = "6000",
        ["Ads:Traffic:FloodDecisionsPerViewer"] = "60",
        ["Ads:Traffic:FloodEventsPerViewer"] = "240",
        ["Ads:Traffic:FloodDecisionsPerAddress"] = "600",
        ["Ads:Traffic:FloodEventsPerAddress"] = "3000",
    };

    [Fact]
    public async Task Decisions_BeyondTheRateLimit_Get429WithRetryAfter_AKeyedBackendHasAHundredTimesMore()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")), settings: new Dictionary<string, string?>
        {
            ["Ads:Traffic:DecisionsPerMinute"] = "60", // a burst of 20, then 1 a second
        });
        var client = factory.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var response = await client.PostAsync("/v1/decisions", new StringContent("""{"site":"suara","slots":[{"id":"s","placement":"sidebar"}]}"""));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("1", response.Headers.RetryAfter?.ToString());
                var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.Equal("https://suara-ads.example/problems/too-many-requests", (string?)problem["type"]);
                Assert.Equal(429, (int)problem["status"]!);
            }
        }

        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 20, 22);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        // A backend with a key speaks for many viewers from one address: its own bucket, a hundred times larger.
        for (var i = 0; i < 30; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent("""{"site":"suara","slots":[{"id":"s","placement":"sidebar"}]}""") };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task NormalReading_WithTheDefaultLimits_NeverSeesA429_NorAnyInvalidCount()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")), settings: s_defaults);
        var client = factory.CreateClient();

        // One reader going through 40 articles in quick succession (four slots each, every beacon sent).
        for (var page = 0; page < 40; page++)
        {
            using var response = await client.PostAsync("/v1/decisions", new StringContent(
                """{"site":"suara","user":{"id":"busy-reader"},"slots":[{"id":"a","placement":"sidebar"},{"id":"b","placement":"sidebar"},{"id":"c","placement":"article-top"},{"id":"d","placement":"sidebar"}]}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (var (_, slot) in JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!.AsObject())
            {
                if (slot is null)
                {
                    continue;
                }

                Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, (string)slot["impressionUrl"]!));
                Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, (string)slot["viewableUrl"]!));
            }
        }

        var (totals, _) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(0, totals['x']);
        Assert.True(totals['i'] >= 40);
    }

    [Fact]
    public async Task DriveByViewers_LeaveNoKeysInRedis_ACountedImpressionLeavesOne()
    {
        using var redis = new RedisProcess(); // a Redis of this test's own, so DBSIZE counts nothing else
        var catalog = TestCatalog.Document(TestCatalog.Campaign("london") with
        {
            Goal = new CampaignGoal { Impressions = 100_000, Per = "day" },
            FrequencyCap = new FrequencyCap { Impressions = 3, Per = "day" },
        });
        using var factory = new AdsServerFactory(catalog, redis: redis.Configuration);
        var client = factory.CreateClient();
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);

        // Warm up: the campaign's counters, delivery and de-duplication set for the hour exist.
        var warmUp = await Pages.ServeAsync(client, "warm-up");
        Assert.NotNull(warmUp);
        await Pages.BeaconAsync(client, warmUp.ImpressionUrl);
        await Pages.SyncAsync(factory);
        var before = await server.DatabaseSizeAsync();

        for (var i = 0; i < 200; i++)
        {
            Assert.NotNull(await Pages.ServeAsync(client, $"drive-by-{i}"));
        }

        await Pages.SyncAsync(factory);
        Assert.Equal(before, await server.DatabaseSizeAsync());

        // One of them sees the ad: now there is state for that viewer (the test can tell).
        var seen = await Pages.ServeAsync(client, "drive-by-7");
        await Pages.BeaconAsync(client, seen!.ImpressionUrl);
        await Pages.SyncAsync(factory);
        Assert.Equal(before + 1, await server.DatabaseSizeAsync());
    }
}
