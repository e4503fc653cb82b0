using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Delivery;

/// <summary>Goals and frequency caps agree across instances that share one Redis.</summary>
public sealed class SharedDeliveryTests
{
    private static async Task<string?> ServeAsync(HttpClient client, string? user = null)
    {
        var body = new JsonObject
        {
            ["site"] = "suara",
            ["slots"] = new JsonArray(new JsonObject { ["id"] = "s", ["placement"] = "sidebar" }),
        };
        if (user is not null)
        {
            body["user"] = new JsonObject { ["id"] = user };
        }

        using var response = await client.PostAsJsonAsync("/v1/decisions", body);
        response.EnsureSuccessStatusCode();
        return (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!["s"]?["campaignId"];
    }

    [Fact]
    public async Task FlightGoal_ReachedOnOneInstance_StopsTheOther()
    {
        using var redis = TestRedis.Connect();
        var catalog = TestCatalog.Document(TestCatalog.Campaign("goal") with { Goal = new CampaignGoal { Impressions = 5, Per = "flight" } });
        using var a = new AdsServerFactory(catalog);
        using var b = new AdsServerFactory(catalog, keyPrefix: a.KeyPrefix);
        var clientA = a.CreateClient();
        var clientB = b.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("goal", await ServeAsync(clientA));
        }

        Assert.Null(await ServeAsync(clientA)); // A knows its own deliveries at once
        Assert.Equal("goal", await ServeAsync(clientB)); // B has not heard yet (and serves one more)

        await a.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        await b.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        await b.Services.GetRequiredService<RedisDeliveryLedger>().RefreshAsync();
        await a.Services.GetRequiredService<RedisDeliveryLedger>().RefreshAsync();

        Assert.Null(await ServeAsync(clientB));
        Assert.Null(await ServeAsync(clientA));
        var served = await redis.GetDatabase().HashGetAsync($"{a.KeyPrefix}{{c:goal}}:served", "total");
        Assert.Equal(6, (long)served);
    }

    [Fact]
    public async Task FrequencyCap_ReachedOnOneInstance_AppliesOnTheOther()
    {
        using var redis = TestRedis.Connect();
        var catalog = TestCatalog.Document(TestCatalog.Campaign("capped") with { FrequencyCap = new FrequencyCap { Impressions = 2, Per = "day" } });
        using var a = new AdsServerFactory(catalog);
        using var b = new AdsServerFactory(catalog, keyPrefix: a.KeyPrefix);
        var clientA = a.CreateClient();
        var clientB = b.CreateClient();

        Assert.Equal("capped", await ServeAsync(clientA, "reader-1"));
        Assert.Equal("capped", await ServeAsync(clientA, "reader-1"));
        Assert.Null(await ServeAsync(clientA, "reader-1"));
        await a.Services.GetRequiredService<CountingFlusher>().FlushAsync();

        Assert.Null(await ServeAsync(clientB, "reader-1"));
        Assert.Equal("capped", await ServeAsync(clientB, "reader-2"));

        // The viewer's state expires in Redis on its own.
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(a.Services.GetRequiredService<DeliveryKeys>().Viewer("reader-1"));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromDays(1), TimeSpan.FromDays(2));
    }
}
