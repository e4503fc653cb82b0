using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Delivery;

/// <summary>A viewer's frequency state in Redis stays bounded: ended windows are pruned, and the fields are capped.</summary>
public sealed class FrequencyStateBoundTests
{
    [Fact]
    public async Task AViewerBackEveryHourForThirtyHours_KeepsOnlyTheWindowsThatMayStillBeCurrent_AndIsStillCapped()
    {
        var capped = TestCatalog.Campaign("london") with { FrequencyCap = new FrequencyCap { Impressions = 1, Per = "hour" } };
        using var factory = new AdsServerFactory(TestCatalog.Document(capped));
        var client = factory.CreateClient();
        using var redis = TestRedis.Connect();
        var key = factory.Services.GetRequiredService<DeliveryKeys>().Viewer(factory.Services.GetRequiredService<ViewerDigest>().Of("reader-1"));

        for (var hour = 0; hour < 30; hour++)
        {
            var slot = await Pages.ServeAsync(client, "reader-1");
            Assert.NotNull(slot);
            Assert.Equal(System.Net.HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl));
            await Pages.SyncAsync(factory);
            factory.Time.Advance(RedisFrequencyStore.CacheFor);
            Assert.True(await Pages.ServeAsync(client, "reader-1") is null, $"served again in hour {hour}"); // capped: one an hour
            factory.Time.Advance(TimeSpan.FromHours(1) - RedisFrequencyStore.CacheFor);
        }

        // One field per hour window counted, but only those that may still be current somewhere are kept: windows of
        // site-local hours (Kuala Lumpur, UTC+8) no older than UTC 14 hours ago, so the last 23 of the 30.
        var fields = await redis.GetDatabase().HashGetAllAsync(key);
        Assert.Equal(23, fields.Length);
        Assert.All(fields, f => Assert.Equal(1, (int)f.Value));
    }

    [Fact]
    public async Task AViewerOfManyCappedCampaigns_KeepsAtMostTheCap_TheWindowsEndingFirstGoFirst()
    {
        using var redis = TestRedis.Connect();
        var options = TestRedis.Options();
        using var connection = new RedisConnection(options);
        var keys = new DeliveryKeys(options);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero));
        var queue = new FrequencyWriteQueue(connection, keys, time);
        const string viewer = "0123456789abcdef01234567";

        // 30 day-capped campaigns and 120 flight-capped ones, in two flushes.
        var today = FrequencyWindows.Key(CapPeriod.Day, time.GetUtcNow().UtcDateTime);
        var flight = FrequencyWindows.Key(CapPeriod.Flight, time.GetUtcNow().UtcDateTime);
        for (var i = 0; i < 30; i++)
        {
            queue.Enqueue(viewer, new FrequencyKey($"d{i:D2}", today), TimeSpan.FromDays(2));
        }

        await queue.FlushAsync();
        for (var i = 0; i < 120; i++)
        {
            queue.Enqueue(viewer, new FrequencyKey($"f{i:D3}", flight), TimeSpan.FromDays(60));
        }

        await queue.FlushAsync();

        // 150 fields, 100 kept: the day windows (ending first) went, then the flight windows in order of name.
        var kept = (await redis.GetDatabase().HashKeysAsync(keys.Viewer(viewer))).Select(f => (string)f!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(FrequencyWriteQueue.MaxFieldsPerViewer, kept.Count);
        Assert.Equal([.. Enumerable.Range(20, 100).Select(i => $"f{i:D3}|{flight}")], kept);
        Assert.InRange(await redis.GetDatabase().KeyTimeToLiveAsync(keys.Viewer(viewer)) ?? TimeSpan.Zero, TimeSpan.FromDays(59), TimeSpan.FromDays(60));

        // An increment of a kept field still adds to it.
        queue.Enqueue(viewer, new FrequencyKey("f119", flight), TimeSpan.FromDays(2));
        await queue.FlushAsync();
        Assert.Equal(2, (int)await redis.GetDatabase().HashGetAsync(keys.Viewer(viewer), $"f119|{flight}"));
        Assert.InRange(await redis.GetDatabase().KeyTimeToLiveAsync(keys.Viewer(viewer)) ?? TimeSpan.Zero, TimeSpan.FromDays(59), TimeSpan.FromDays(60));
    }
}
