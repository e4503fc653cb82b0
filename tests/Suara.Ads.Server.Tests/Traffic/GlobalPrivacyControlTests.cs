using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Events;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Traffic;

/// <summary>
/// <c>Sec-GPC: 1</c> on a decision or a beacon: served and counted as usual, but tied to no viewer, so no frequency
/// state, reach entry or per-viewer flood window is kept for the id the page sent.
/// </summary>
public sealed partial class GlobalPrivacyControlTests
{
    private const string Reader = "gpc-reader-7";

    private static CatalogDocument CappedOncePerDay() =>
        TestCatalog.Document(TestCatalog.Campaign("capped") with { FrequencyCap = new FrequencyCap { Impressions = 1, Per = "day" } });

    private static void Gpc(HttpRequestMessage request) => request.Headers.TryAddWithoutValidation("Sec-GPC", "1");

    [Fact]
    public async Task Decide_WithSecGpc_IsNotCappedAndWritesNothingForTheViewer()
    {
        // Per-viewer flood limits far below what this test sends: with the signal, no viewer is counted against them.
        using var factory = new AdsServerFactory(CappedOncePerDay(), settings: new Dictionary<string, string?>
        {
            ["Ads:Traffic:FloodDecisionsPerViewer"] = "2",
            ["Ads:Traffic:FloodEventsPerViewer"] = "2",
        });
        var client = factory.CreateClient();
        var codec = new EventTokenCodec(AdsServerFactory.SigningKey);

        for (var i = 0; i < 4; i++)
        {
            var slot = await Pages.ServeAsync(client, Reader, Gpc);
            Assert.NotNull(slot); // a cap of one a day would have stopped the second without the signal
            Assert.Equal(EventTokenStatus.Valid, codec.Verify(slot.ImpressionUrl["/v1/events/".Length..], factory.Time.GetUtcNow(), out var claims));
            Assert.Equal("", claims!.Viewer);
            Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl, Gpc));
            Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ViewableUrl, Gpc));
            await Pages.SyncAsync(factory);
            factory.Time.Advance(TimeSpan.FromSeconds(30));
        }

        // The iframe tag too: the browser sends the header with the frame's request.
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/slot.html?site=suara&placement=sidebar&user={Reader}"))
        {
            Gpc(request);
            using var response = await client.SendAsync(request);
            var url = EventPath().Match(await response.Content.ReadAsStringAsync()).Value;
            Assert.Equal(EventTokenStatus.Valid, codec.Verify(url["/v1/events/".Length..], factory.Time.GetUtcNow(), out var claims));
            Assert.Equal("", claims!.Viewer);
        }

        // Served and counted like anyone's, none of it invalid (no flood of one viewer) ...
        var (totals, _) = await CounterReader.FlushAndReadAsync(factory, "capped");
        Assert.Equal((5, 4, 4, 0), (totals['s'], totals['i'], totals['v'], totals['x']));

        // ... and nothing kept for the viewer: no frequency hash, no reach, no key or member naming it.
        using var redis = TestRedis.Connect();
        await AssertNothingForViewerAsync(factory, redis);
    }

    [Fact]
    public async Task Decide_WithoutSecGpc_CapsTheViewerAndKeepsItsState()
    {
        using var factory = new AdsServerFactory(CappedOncePerDay());
        var client = factory.CreateClient();

        var slot = await Pages.ServeAsync(client, Reader);
        Assert.NotNull(slot);
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl));
        await Pages.SyncAsync(factory);
        factory.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Null(await Pages.ServeAsync(client, Reader)); // capped by its counted impression
        Assert.NotNull(await Pages.ServeAsync(client, "another-reader"));
        using var redis = TestRedis.Connect();
        var digest = factory.Services.GetRequiredService<ViewerDigest>().Of(Reader);
        Assert.True(await redis.GetDatabase().KeyExistsAsync(factory.Services.GetRequiredService<DeliveryKeys>().Viewer(digest)));
        Assert.Equal(1, await redis.GetDatabase().HyperLogLogLengthAsync(ReachKey(factory)));
    }

    [Fact]
    public async Task Beacon_WithSecGpc_OfATokenNamingAViewer_CountsButKeepsNothingForIt()
    {
        using var factory = new AdsServerFactory(CappedOncePerDay());
        var client = factory.CreateClient();

        var slot = await Pages.ServeAsync(client, Reader);
        Assert.NotNull(slot);
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl, Gpc));
        var (totals, _) = await CounterReader.FlushAndReadAsync(factory, "capped");
        Assert.Equal(1, totals['i']);

        using var redis = TestRedis.Connect();
        await AssertNothingForViewerAsync(factory, redis);
    }

    private static async Task AssertNothingForViewerAsync(AdsServerFactory factory, ConnectionMultiplexer redis)
    {
        var db = redis.GetDatabase();
        var digest = factory.Services.GetRequiredService<ViewerDigest>().Of(Reader);
        Assert.False(await db.KeyExistsAsync(factory.Services.GetRequiredService<DeliveryKeys>().Viewer(digest)));
        Assert.Equal(0, await db.HyperLogLogLengthAsync(ReachKey(factory)));
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var keys = 0;
        await foreach (var key in server.KeysAsync(pattern: factory.KeyPrefix + "*"))
        {
            keys++;
            var name = (string)key!;
            Assert.DoesNotContain(digest, name, StringComparison.Ordinal);
            Assert.DoesNotContain(Reader, name, StringComparison.Ordinal);
            Assert.DoesNotContain("{v:", name, StringComparison.Ordinal); // no viewer's frequency hash (suara:{v:DIGEST}:f) at all
            Assert.False(name.EndsWith("}:f", StringComparison.Ordinal), name);
            var entries = await db.KeyTypeAsync(key) switch
            {
                RedisType.Hash => (await db.HashKeysAsync(key)).Select(v => (string)v!),
                RedisType.Set => (await db.SetMembersAsync(key)).Select(v => (string)v!),
                RedisType.SortedSet => (await db.SortedSetRangeByRankAsync(key)).Select(v => (string)v!),
                _ => [],
            };
            Assert.All(entries, e => Assert.DoesNotContain(digest, e, StringComparison.Ordinal));
            Assert.All(entries, e => Assert.DoesNotContain(Reader, e, StringComparison.Ordinal));
        }

        Assert.True(keys > 0, "the server wrote nothing at all: the test would prove nothing");
    }

    private static RedisKey ReachKey(AdsServerFactory factory)
    {
        var local = TimeZoneInfo.ConvertTime(factory.Time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur"));
        return factory.Services.GetRequiredService<CounterKeys>().Reach("capped", DateOnly.FromDateTime(local.DateTime));
    }

    [GeneratedRegex("/v1/events/[A-Za-z0-9_-]+")]
    private static partial Regex EventPath();
}
