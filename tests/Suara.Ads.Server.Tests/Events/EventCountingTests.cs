using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Events;

/// <summary>Beacons and served ads counted in a real Redis through the real pipeline.</summary>
public sealed class EventCountingTests
{
    private static readonly CatalogDocument s_catalog = TestCatalog.Document(TestCatalog.Campaign("london"));

    private const string Page = """{"site":"suara","page":{"section":"news"},"slots":[{"id":"s","placement":"sidebar"}]}""";

    private static async Task<JsonNode> DecideAsync(HttpClient client, string body = Page)
    {
        using var response = await client.PostAsync("/v1/decisions", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!["s"]!;
    }

    private static Task FlushAsync(AdsServerFactory factory) => factory.Services.GetRequiredService<CountingFlusher>().FlushAsync();

    [Fact]
    public async Task Beacons_Burst_CountsEqualWhatWasSent()
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(s_catalog);
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var slots = new List<JsonNode>();
        for (var i = 0; i < 60; i++)
        {
            slots.Add(await DecideAsync(client));
        }

        var sent = 0;
        foreach (var (slot, i) in slots.Select((s, i) => (s, i)))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync((string)slot["impressionUrl"]!)).StatusCode);
            if (i % 2 == 0)
            {
                // sendBeacon uses POST.
                Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync((string)slot["viewableUrl"]!, null)).StatusCode);
            }

            if (i % 5 == 0)
            {
                Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync((string)slot["clickUrl"]!)).StatusCode);
            }

            sent++;
        }

        await FlushAsync(factory);
        var totals = await CounterReader.TotalsAsync(redis.GetDatabase(), factory.KeyPrefix, "london", factory.Time.GetUtcNow());
        Assert.Equal(60, totals['s']);
        Assert.Equal(60, totals['i']);
        Assert.Equal(30, totals['v']);
        Assert.Equal(12, totals['c']);
    }

    [Fact]
    public async Task Beacons_SameTokenFiveTimesOnTwoInstances_CountsOnce()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(s_catalog);
        using var b = new AdsServerFactory(s_catalog, keyPrefix: a.KeyPrefix);
        var clientA = a.CreateClient();
        var clientB = b.CreateClient();
        var slot = await DecideAsync(clientA);
        var url = (string)slot["impressionUrl"]!;

        foreach (var client in new[] { clientA, clientB, clientA, clientB, clientA })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(url)).StatusCode);
        }

        // Flush in between too: de-duplication must hold across flushes, not only within one.
        await FlushAsync(b);
        Assert.Equal(HttpStatusCode.NoContent, (await clientB.GetAsync(url)).StatusCode);
        await FlushAsync(a);
        await FlushAsync(b);

        var totals = await CounterReader.TotalsAsync(redis.GetDatabase(), a.KeyPrefix, "london", a.Time.GetUtcNow());
        Assert.Equal(1, totals['i']);
    }

    [Fact]
    public async Task Beacons_ForgedOrExpired_AreRefusedAndNotCounted()
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(s_catalog);
        var client = factory.CreateClient();
        var slot = await DecideAsync(client);
        var url = (string)slot["impressionUrl"]!;
        var forged = url[..^3] + (url[^3] == 'A' ? 'B' : 'A') + url[^2..];

        using var forgedResponse = await client.GetAsync(forged);
        Assert.Equal(HttpStatusCode.BadRequest, forgedResponse.StatusCode);
        Assert.Equal("application/problem+json", forgedResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/v1/events/not-a-token")).StatusCode);

        factory.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        using var expired = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Equal(410, (int)JsonNode.Parse(await expired.Content.ReadAsStringAsync())!["status"]!);

        await FlushAsync(factory);
        var db = redis.GetDatabase();
        foreach (var day in new[] { factory.Time.GetUtcNow(), factory.Time.GetUtcNow().AddDays(-1) })
        {
            var totals = await CounterReader.TotalsAsync(db, factory.KeyPrefix, "london", day);
            Assert.Equal(0, totals['i']);
        }
    }

    [Fact]
    public async Task Click_RedirectsToTheCreativesOwnLandingPage()
    {
        using var factory = new AdsServerFactory(s_catalog);
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var slot = await DecideAsync(client);

        using var response = await client.GetAsync((string)slot["clickUrl"]! + "?url=https://evil.example/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("https://skyway.example/london?a=1&b=2", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task RedisOutage_BeaconsWaitAndAreCountedExactlyOnceWhenItReturns()
    {
        using var redisProcess = new RedisProcess();
        using var factory = new AdsServerFactory(s_catalog, redis: redisProcess.Configuration);
        var client = factory.CreateClient();
        var decided = 0;

        // Before the outage: 10 impressions, written.
        var before = new List<string>();
        for (var i = 0; i < 10; i++, decided++)
        {
            before.Add((string)(await DecideAsync(client))["impressionUrl"]!);
        }

        foreach (var url in before)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(url)).StatusCode);
        }

        await FlushAsync(factory);

        // Outage: decisions keep being served, beacons keep being accepted (and one old one is repeated).
        redisProcess.Stop();
        var during = new List<string>();
        for (var i = 0; i < 25; i++, decided++)
        {
            during.Add((string)(await DecideAsync(client))["impressionUrl"]!);
        }

        foreach (var url in during.Append(before[0]))
        {
            Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync(url)).StatusCode);
        }

        await FlushAsync(factory);
        var ready = JsonNode.Parse(await client.GetStringAsync("/readyz"))!;
        Assert.Equal("unreachable", (string)ready["redis"]!);
        Assert.True((long)ready["pendingEvents"]! >= 50, ready.ToJsonString());

        // Redis returns; the multiplexer reconnects by itself.
        redisProcess.Start();
        var redisConnection = factory.Services.GetRequiredService<RedisConnection>();
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30))) // against a hang, not a timing assertion
        {
            await redisConnection.WaitUntilConnectedAsync(guard.Token);
        }

        Assert.True(redisConnection.IsConnected, "the server did not reconnect to Redis");
        await FlushAsync(factory);
        Assert.Equal(0, factory.Services.GetRequiredService<Core.Counting.EventAggregate>().Pending);

        using var redis = TestRedis.Connect(redisProcess.Configuration);
        var totals = await CounterReader.TotalsAsync(redis.GetDatabase(), factory.KeyPrefix, "london", factory.Time.GetUtcNow());
        Assert.Equal(decided, totals['s']);
        Assert.Equal(35, totals['i']);
    }
}
