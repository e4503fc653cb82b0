using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Server.Forecasts;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Forecasts;

/// <summary>The traffic sample as Redis holds it (issue 14): bounded, expiring, anonymised, and scaled by its counts.</summary>
public sealed class TrafficSampleTests
{
    private static readonly DateOnly Day = new(2026, 11, 16);

    private static AdsServerFactory Server(Dictionary<string, string?> settings) =>
        new(TestCatalog.Document(TestCatalog.Campaign("london")), now: new DateTimeOffset(Day.ToDateTime(new TimeOnly(10, 0)), SampleTraffic.SiteOffset), settings: settings);

    [Fact]
    public async Task Sample_MoreRequestsThanTheHourlyBound_KeepsTheBoundAndCountsEveryRequest()
    {
        using var redis = TestRedis.Connect();
        using var server = Server(SampleTraffic.RecordAll(maxPerHour: 5));
        var client = server.CreateClient();

        for (var i = 0; i < 30; i++)
        {
            await SampleTraffic.DecideAsync(client, "MY", $"reader-{i}");
        }

        await server.Services.GetRequiredService<TrafficSampleWriter>().FlushAsync();

        var db = redis.GetDatabase();
        var counts = server.KeyPrefix + "{fs:suara}:n:2026-11-16";
        var records = server.KeyPrefix + "{fs:suara}:s:2026-11-16";
        Assert.Equal(5, await db.ListLengthAsync(records));
        Assert.Equal(30, (long)await db.HashGetAsync(counts, "r:10"));
        Assert.Equal(5, (long)await db.HashGetAsync(counts, "s:10"));
        Assert.Equal(30, (long)await db.HashGetAsync(counts, "f"));

        // Kept for the retention (28 days by default) and a day: never for good.
        foreach (var key in new RedisKey[] { counts, records })
        {
            var ttl = await db.KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl);
            Assert.InRange(ttl!.Value, TimeSpan.FromDays(28), TimeSpan.FromDays(29));
        }
    }

    [Fact]
    public async Task Sample_ARecordedRequest_KeepsNoRawViewerIdNoQueryNoHost()
    {
        using var redis = TestRedis.Connect();
        using var server = Server(SampleTraffic.RecordAll());
        var client = server.CreateClient();

        await SampleTraffic.DecideAsync(client, "MY", "reader-secret-4242", "https://suara.example/news/story?email=aisha%40mail.example&token=abc#comments");
        await server.Services.GetRequiredService<TrafficSampleWriter>().FlushAsync();

        var stored = (string)(await redis.GetDatabase().ListGetByIndexAsync(server.KeyPrefix + "{fs:suara}:s:2026-11-16", 0))!;
        Assert.DoesNotContain("reader-secret-4242", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("email", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("token", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("suara.example", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("comments", stored, StringComparison.Ordinal);
        var record = TrafficSampling.Deserialize(stored)!;
        Assert.Equal("/news/story", record.Path);
        Assert.Equal("news", record.Section);
        Assert.Equal("MY", record.Country);
        Assert.Equal(new ViewerDigest(AdsServerFactory.SigningKey).Of("reader-secret-4242"), record.Viewer);
        Assert.True(ViewerDigest.IsDigest(record.Viewer));
        Assert.Equal(10 * 3600, record.Seconds);
    }

    [Fact]
    public async Task Sample_AtTheDefaultRate_RecordsAboutOnePercentOfViewers_AndCountsAll()
    {
        using var redis = TestRedis.Connect();
        using var server = Server([]);
        var client = server.CreateClient();

        for (var i = 0; i < 1_000; i++)
        {
            await SampleTraffic.DecideAsync(client, "MY", $"reader-{i}");
        }

        await server.Services.GetRequiredService<TrafficSampleWriter>().FlushAsync();

        var db = redis.GetDatabase();
        Assert.Equal(1_000, (long)await db.HashGetAsync(server.KeyPrefix + "{fs:suara}:n:2026-11-16", "r:10"));
        Assert.InRange(await db.ListLengthAsync(server.KeyPrefix + "{fs:suara}:s:2026-11-16"), 1, 30);
    }

    [Fact]
    public async Task Sample_ImpressionBeacons_AreCountedForTheShareOfFillsThatBecomeImpressions()
    {
        using var redis = TestRedis.Connect();
        using var server = Server(SampleTraffic.RecordAll());
        var client = server.CreateClient();

        // Two decisions, one impression beacon.
        var first = await Pages.ServeAsync(client);
        await Pages.ServeAsync(client);
        using var beacon = await client.GetAsync(first!.ImpressionUrl);
        Assert.Equal(HttpStatusCode.NoContent, beacon.StatusCode);
        await server.Services.GetRequiredService<TrafficSampleWriter>().FlushAsync();

        var counts = server.KeyPrefix + "{fs:suara}:n:2026-11-16";
        var db = redis.GetDatabase();
        Assert.Equal(2, (long)await db.HashGetAsync(counts, "f"));
        Assert.Equal(1, (long)await db.HashGetAsync(counts, "i"));
    }
}
