using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Reports;

/// <summary>Reports read from the counters in Redis, in the site's time zone, for the right keys only.</summary>
public sealed class ReportsApiTests
{
    private static CatalogDocument Catalog() => TestCatalog.Document(TestCatalog.Campaign("london"), TestCatalog.Campaign("paris")) with
    {
        Advertisers = [new Advertiser { Id = "skyway", Name = "Skyway Air" }, new Advertiser { Id = "rival", Name = "Rival Air" }],
    };

    private static async Task<JsonNode> DecideAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/v1/decisions", new StringContent(
            """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}]}""", Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!["s"]!;
    }

    /// <summary>Serves <paramref name="pages"/> ads with impressions, <paramref name="clicks"/> of them clicked, then flushes.</summary>
    private static async Task<Dictionary<string, int>> TrafficAsync(AdsServerFactory factory, HttpClient client, int pages, int clicks)
    {
        var served = new Dictionary<string, int>();
        for (var i = 0; i < pages; i++)
        {
            var slot = await DecideAsync(client);
            var campaign = (string)slot["campaignId"]!;
            served[campaign] = served.GetValueOrDefault(campaign) + 1;
            (await client.GetAsync((string)slot["impressionUrl"]!)).EnsureSuccessStatusCode();
            if (i < clicks)
            {
                Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync((string)slot["clickUrl"]!)).StatusCode);
            }
        }

        await factory.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        return served;
    }

    private static HttpRequestMessage Get(string path, string? key) => new(HttpMethod.Get, path)
    {
        Headers = { Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key) },
    };

    [Fact]
    public async Task CampaignReport_DaysAndHoursInTheSiteTimeZone_MatchTheCounts()
    {
        TestRedis.Connect().Dispose();
        // 16:30 UTC on 30 November is 00:30 on 1 December in Kuala Lumpur.
        using var factory = new AdsServerFactory(Catalog(), now: new DateTimeOffset(2026, 11, 30, 16, 30, 0, TimeSpan.Zero));
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var served = await TrafficAsync(factory, client, pages: 20, clicks: 4);

        using var response = await client.SendAsync(Get("/v1/reports/campaigns/london?from=2026-12-01&to=2026-12-01", AdsServerFactory.AdminKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var london = served.GetValueOrDefault("london");
        Assert.Equal(london, (long)report["totals"]!["impressions"]!);
        Assert.Equal(london, (long)report["totals"]!["served"]!);
        Assert.Equal("Asia/Kuala_Lumpur", (string)report["timeZone"]!);
        if (london > 0)
        {
            var row = Assert.Single(report["rows"]!.AsArray());
            Assert.Equal("2026-12-01", (string)row!["time"]!);
            Assert.Equal("side", (string)row["creativeId"]!);
            Assert.Equal("sidebar", (string)row["placement"]!);
            Assert.Equal(Math.Round((double)(long)row["clicks"]! / london, 6), (double)row["ctr"]!);
        }

        // The same counts are not on 30 November, local time.
        var before = JsonNode.Parse(await (await client.SendAsync(Get("/v1/reports/campaigns/london?from=2026-11-30&to=2026-11-30", AdsServerFactory.AdminKey))).Content.ReadAsStringAsync())!;
        Assert.Equal(0, (long)before["totals"]!["impressions"]!);

        var hourly = JsonNode.Parse(await (await client.SendAsync(Get("/v1/reports/campaigns/paris?from=2026-12-01&to=2026-12-01&granularity=hour", AdsServerFactory.AdminKey))).Content.ReadAsStringAsync())!;
        Assert.Equal(served.GetValueOrDefault("paris"), (long)hourly["totals"]!["impressions"]!);
        Assert.All(hourly["rows"]!.AsArray(), r => Assert.Equal("2026-12-01T00:00:00+08:00", (string)r!["time"]!));

        // Both campaigns together: every click counted once, in one of them.
        var advertiser = JsonNode.Parse(await (await client.SendAsync(Get("/v1/reports/advertisers/skyway?from=2026-12-01&to=2026-12-01", AdsServerFactory.AdminKey))).Content.ReadAsStringAsync())!;
        Assert.Equal(20, (long)advertiser["totals"]!["impressions"]!);
        Assert.Equal(4, (long)advertiser["totals"]!["clicks"]!);
        Assert.Equal(["london", "paris"], advertiser["rows"]!.AsArray().Select(r => (string)r!["campaignId"]!));
    }

    [Fact]
    public async Task CampaignReport_Csv_HasAHeaderAndOneLinePerRow()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(Catalog());
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await TrafficAsync(factory, client, pages: 6, clicks: 0);

        using var response = await client.SendAsync(Get("/v1/reports/advertisers/skyway?format=csv", AdsServerFactory.AdminKey));
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd('\n').TrimEnd('\r').Split("\r\n");
        Assert.Equal("time,campaignId,name,served,impressions,viewable,clicks,ctr,invalid,invalidBot,invalidPrefetch,invalidNoImpression,invalidFlood,invalidNoUserAgent,viewableRate,spend,currency,reach", lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Matches(@"^\d{4}-\d\d-\d\d/\d{4}-\d\d-\d\d,", l)); // every row has its time
        Assert.Equal(6, lines.Skip(1).Sum(l => int.Parse(l.Split(',')[4], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Reports_OnlyForTheAdminKeyOrTheAdvertisersOwnReportKey()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(Catalog());
        var client = factory.CreateClient();
        async Task<string> RotateAsync(string advertiser)
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/admin/advertisers/{advertiser}/report-key")
            {
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey) },
            });
            response.EnsureSuccessStatusCode();
            return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["reportKey"]!;
        }

        var skyway = await RotateAsync("skyway");
        var rival = await RotateAsync("rival");

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Get("/v1/reports/campaigns/london", null))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/v1/reports/campaigns/london", skyway))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/v1/reports/advertisers/skyway", skyway))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Get("/v1/reports/campaigns/london", rival))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Get("/v1/reports/advertisers/skyway", rival))).StatusCode);
        // An unknown key is refused as unauthenticated (the contract's 401); only a known key of another advertiser gets 404.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Get("/v1/reports/campaigns/london", "not-a-key-not-a-key"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(Get("/v1/reports/campaigns/nothing", AdsServerFactory.AdminKey))).StatusCode);

        // A rotated key replaces the old one, which is then not known at all.
        await RotateAsync("skyway");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(Get("/v1/reports/campaigns/london", skyway))).StatusCode);
    }

    [Theory]
    [InlineData("from=2026-12-05&to=2026-12-01", "from")]
    [InlineData("from=01-12-2026", "from")]
    [InlineData("granularity=week", "granularity")]
    [InlineData("format=xml", "format")]
    [InlineData("from=2025-01-01&to=2026-12-01", "to")]
    [InlineData("from=2026-08-01&to=2026-12-01&granularity=hour", "to")]
    [InlineData("from=2026-08-20&to=2026-09-01&granularity=hour", "from")]
    public async Task CampaignReport_BadQuery_Is400NamingTheParameter(string query, string field)
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(Catalog());
        using var response = await factory.CreateClient().SendAsync(Get($"/v1/reports/campaigns/london?{query}", AdsServerFactory.AdminKey));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task Reports_WhoseReadsTimeOut_Are503WithAProblem_Not500()
    {
        using var redis = new RedisProcess(); // a Redis of this test's own: it is frozen
        using var factory = new AdsServerFactory(Catalog(), redis: redis.Configuration);
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/v1/reports/campaigns/london", AdsServerFactory.AdminKey))).StatusCode);

        // Redis answers nothing (frozen, SIGSTOP) until the test ends: far longer than a command may wait (2 s, checked
        // every second). The connections stay up, so only the reads' timeouts can tell. (It was CLIENT PAUSE for 8 s,
        // and once, in a busy ./test.sh, a report was answered 200; a frozen process leaves Redis no say in it.)
        redis.Freeze();
        try
        {
            var paused = System.Diagnostics.Stopwatch.StartNew();
            var responses = await Task.WhenAll(new[] { "/v1/reports/campaigns/london?granularity=hour", "/v1/reports/advertisers/skyway", "/v1/reports/sites/suara" }
                .Select(async path =>
                {
                    var response = await client.SendAsync(Get(path, AdsServerFactory.AdminKey));
                    return (Path: path, Response: response, Seconds: paused.Elapsed.TotalSeconds);
                }));
            var seen = string.Join("; ", responses.Select(r => $"{r.Path}: {(int)r.Response.StatusCode} after {r.Seconds:F1} s"));
            foreach (var (_, response, _) in responses)
            {
                Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, seen);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                response.Dispose();
            }
        }
        finally
        {
            redis.Stop(); // killed, not thawed: the host then stops without Redis at once
        }
    }
}
