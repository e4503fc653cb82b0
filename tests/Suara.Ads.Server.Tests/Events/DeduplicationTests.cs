using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Tests.Support;
using Xunit.Abstractions;

namespace Suara.Ads.Server.Tests.Events;

/// <summary>
/// De-duplication in bitmaps (token version 3: an issuer id per process run and a number per ad, campaign and issue
/// day), against a real Redis through the real pipeline: exact across instances, restarts and old tokens, and small.
/// </summary>
public sealed class DeduplicationTests(ITestOutputHelper output)
{
    private static readonly CatalogDocument s_catalog = TestCatalog.Document(TestCatalog.Campaign("london"));

    /// <summary>What an entry of Redis's expires dictionary costs a key beyond its MEMORY USAGE (44 bytes measured on Redis 7.0 by used_memory over 20,000 keys; docs/redis.md).</summary>
    private const int ExpiryBytesPerKey = 48;

    private static async Task<List<Pages.Slot>> ServeAsync(HttpClient client, int count)
    {
        var slots = new List<Pages.Slot>();
        for (var i = 0; i < count; i++)
        {
            slots.Add(await Pages.ServeAsync(client) ?? throw new InvalidOperationException("no fill"));
        }

        return slots;
    }

    /// <summary>A client that does not follow a click's redirect.</summary>
    private static HttpClient Client(AdsServerFactory factory) =>
        factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task BeaconsAsync(HttpClient client, IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            Assert.Contains(await Pages.BeaconAsync(client, url), new[] { HttpStatusCode.NoContent, HttpStatusCode.Redirect });
        }
    }

    /// <summary>Flushes every instance at the same moment: their scripts race in Redis.</summary>
    private static Task FlushTogetherAsync(params AdsServerFactory[] instances) =>
        Task.WhenAll(instances.Select(i => Task.Run(() => i.Services.GetRequiredService<CountingFlusher>().FlushAsync())));

    private static async Task<List<RedisKey>> KeysAsync(IConnectionMultiplexer redis, string pattern)
    {
        var keys = new List<RedisKey>();
        await foreach (var key in redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(pattern: pattern))
        {
            keys.Add(key);
        }

        return keys;
    }

    /// <summary>
    /// The pattern of london's bitmaps on <paramref name="factory"/>: its own (token version 3), or its counting group's
    /// when the instance counts in groups (version 4; the test catalogs' only campaign, so the group's are london's).
    /// </summary>
    private static string Bitmaps(AdsServerFactory factory) =>
        factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Suara.Ads.Server.Hosting.AdsOptions>>().Value.CountingGroups
            ? $"{{g:{Suara.Ads.Core.Counting.CounterGroups.Of("london")}}}:sb:*"
            : "{c:london}:sb:*";

    [Fact]
    public async Task NumberedAds_OnTwoInstancesAndAfterARestart_EachEventCountsOnce()
    {
        using var redis = TestRedis.Connect();
        var a = new AdsServerFactory(s_catalog);
        using var b = new AdsServerFactory(s_catalog, keyPrefix: a.KeyPrefix);
        var clientA = Client(a);
        var clientB = Client(b);

        // Both instances number their ads of the campaign from 0 on the same day: only the issuer tells them apart.
        var fromA = await ServeAsync(clientA, 20);
        var fromB = await ServeAsync(clientB, 20);
        var ads = fromA.Concat(fromB).ToList();

        // Every impression to both instances, twice; every viewable to B; every 4th ad of A's clicked on A.
        foreach (var client in new[] { clientA, clientB, clientB, clientA })
        {
            await BeaconsAsync(client, ads.Select(s => s.ImpressionUrl));
        }

        await BeaconsAsync(clientB, ads.Select(s => s.ViewableUrl));
        await BeaconsAsync(clientA, fromA.Where((_, i) => i % 4 == 0).Select(s => s.ClickUrl));
        await FlushTogetherAsync(a, b);

        // A restarts (a new process run: a new issuer, its numbers from 0 again on the same day) and serves 20 more ads;
        // the beacons of the old run's ads come again, to the new run and to B, and both count at once.
        a.Dispose();
        using var restarted = new AdsServerFactory(s_catalog, keyPrefix: a.KeyPrefix);
        var clientA2 = Client(restarted);
        var fromA2 = await ServeAsync(clientA2, 20);
        await BeaconsAsync(clientA2, fromA.Select(s => s.ImpressionUrl).Concat(fromA.Select(s => s.ViewableUrl)));
        await BeaconsAsync(clientB, fromA.Select(s => s.ImpressionUrl).Concat(fromA.Where((_, i) => i % 4 == 0).Select(s => s.ClickUrl)));
        await BeaconsAsync(clientA2, fromA2.Select(s => s.ImpressionUrl));
        await BeaconsAsync(clientB, fromA2.Select(s => s.ImpressionUrl));
        await FlushTogetherAsync(restarted, b);

        // Clicks of 5 ads whose impressions never came: invalid, and not spent.
        var unseen = await ServeAsync(clientA2, 5);
        await BeaconsAsync(clientB, unseen.Select(s => s.ClickUrl));
        await FlushTogetherAsync(restarted, b);

        var (totals, invalid) = await CounterReader.FlushAndReadAsync(restarted, "london");
        Assert.Equal((65L, 60L, 40L, 5L), (totals['s'], totals['i'], totals['v'], totals['c']));
        Assert.Equal(5, invalid['n']);

        // One bitmap per issuer and day (three runs), no set.
        var bitmaps = await KeysAsync(redis, a.KeyPrefix + Bitmaps(b));
        Assert.Equal(3, bitmaps.Count);
        Assert.Empty(await KeysAsync(redis, a.KeyPrefix + "{c:london}:seen:*"));

        // The clicks that had no impression count once it comes, on either instance.
        await BeaconsAsync(clientA2, unseen.Select(s => s.ImpressionUrl));
        await FlushTogetherAsync(restarted, b);
        await BeaconsAsync(clientB, unseen.Select(s => s.ClickUrl).Concat(unseen.Select(s => s.ClickUrl)));
        await BeaconsAsync(clientA2, unseen.Select(s => s.ClickUrl));
        await FlushTogetherAsync(restarted, b);
        (totals, invalid) = await CounterReader.FlushAndReadAsync(b, "london");
        Assert.Equal((65L, 10L), (totals['i'], totals['c']));
        Assert.Equal(5, invalid['n']);
    }

    [Fact]
    public async Task NumberedAds_EitherSideOfMidnight_AreNumberedFromZeroInBitmapsOfTheirOwn_AndCountOnce()
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(s_catalog, now: new DateTimeOffset(2026, 11, 30, 23, 59, 58, TimeSpan.Zero));
        var client = Client(factory);
        var before = await ServeAsync(client, 3);
        factory.Time.Advance(TimeSpan.FromSeconds(2));
        var after = await ServeAsync(client, 3);

        // The first day's beacons come after midnight, twice, with the second day's.
        await BeaconsAsync(client, before.Concat(after).Concat(before).Select(s => s.ImpressionUrl));
        await BeaconsAsync(client, before.Concat(after).Select(s => s.ClickUrl));
        await FlushTogetherAsync(factory);
        await BeaconsAsync(client, before.Concat(after).Select(s => s.ImpressionUrl));
        await FlushTogetherAsync(factory);

        var totals = await CounterReader.TotalsAsync(redis.GetDatabase(), factory.KeyPrefix, "london", factory.Time.GetUtcNow());
        Assert.Equal((6L, 6L), (totals['i'], totals['c']));
        Assert.Equal(2, (await KeysAsync(redis, factory.KeyPrefix + Bitmaps(factory))).Count);
    }

    [Fact]
    public async Task Version2Tokens_IssuedBeforeTheUpgrade_CountOnceAcrossInstances_InTheSet()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(s_catalog);
        using var b = new AdsServerFactory(s_catalog, keyPrefix: a.KeyPrefix);
        var clientA = Client(a);
        var clientB = Client(b);
        var old = (await ServeAsync(clientA, 10)).Select(s => OldTokens.Version2Like(a.Services, s.ImpressionUrl)).ToList();

        // A viewable before its impression: invalid, not spent.
        await BeaconsAsync(clientB, [old[0].Viewable]);
        await FlushTogetherAsync(a, b);
        foreach (var client in new[] { clientA, clientB, clientA })
        {
            await BeaconsAsync(client, old.Select(t => t.Impression));
            await BeaconsAsync(client, old.Take(4).Select(t => t.Viewable));
            await BeaconsAsync(client, old.Take(2).Select(t => t.Click));
        }

        await FlushTogetherAsync(a, b);
        await BeaconsAsync(clientB, old.Select(t => t.Impression).Append(old[0].Viewable));
        await FlushTogetherAsync(a, b);
        var (totals, invalid) = await CounterReader.FlushAndReadAsync(a, "london");
        Assert.Equal((10L, 4L, 2L), (totals['i'], totals['v'], totals['c']));
        Assert.Equal(1, invalid['n']);
        Assert.Single(await KeysAsync(redis, a.KeyPrefix + "{c:london}:seen:*"));
        Assert.Empty(await KeysAsync(redis, a.KeyPrefix + Bitmaps(a)));
    }

    /// <summary>
    /// Issue 13, goal 5: de-duplication costs at most 24 bytes of Redis per counted event at a steady-state volume. Two
    /// instances serve 400 ads each of one campaign on one day (a campaign of 800 ads a day, 1 in 10 never shown, 6 in
    /// 10 of those shown in view, 1 in 20 clicked); the bytes are MEMORY USAGE of every de-duplication key plus its
    /// entry in Redis's expires dictionary, over the events counted. The same traffic in version 2 tokens (a set of
    /// markers and token ids) is measured beside it, for the record.
    /// </summary>
    [Fact]
    public async Task DedupBytesPerCountedEvent_AtSteadyState_AtMost24()
    {
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        using var a = new AdsServerFactory(s_catalog);
        using var b = new AdsServerFactory(s_catalog, keyPrefix: a.KeyPrefix);
        using var before = new AdsServerFactory(s_catalog);
        var clientA = Client(a);
        var clientB = Client(b);
        var clientBefore = Client(before);

        async Task BeaconsOfAsync(HttpClient client, IReadOnlyList<(string Impression, string Viewable, string Click)> ads)
        {
            var shown = ads.Where((_, i) => i % 10 != 9).ToList();
            await BeaconsAsync(client, shown.Select(t => t.Impression));
            await BeaconsAsync(client, shown.Where((_, i) => i % 10 < 6).Select(t => t.Viewable));
            await BeaconsAsync(client, shown.Where((_, i) => i % 20 == 0).Select(t => t.Click));
            await BeaconsAsync(client, shown.Take(50).Select(t => t.Impression)); // retries
        }

        foreach (var (factory, client) in new[] { (a, clientA), (b, clientB) })
        {
            var ads = await ServeAsync(client, 400);
            await BeaconsOfAsync(client, [.. ads.Select(s => (s.ImpressionUrl, s.ViewableUrl, s.ClickUrl))]);
        }

        var templates = await ServeAsync(clientBefore, 400);
        var old = templates.Select(s => OldTokens.Version2Like(before.Services, s.ImpressionUrl)).ToList();
        await BeaconsOfAsync(clientBefore, [.. old.Select(t => (t.Impression, t.Viewable, t.Click))]);
        await FlushTogetherAsync(a, b, before);

        async Task<(double PerEvent, double PerImpression, long Bytes, int Keys)> MeasureAsync(AdsServerFactory factory, string pattern, int ads)
        {
            var keys = await KeysAsync(redis, factory.KeyPrefix + pattern);
            long bytes = 0;
            foreach (var key in keys)
            {
                bytes += (long)await db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0") + ExpiryBytesPerKey;
            }

            var totals = await CounterReader.TotalsAsync(db, factory.KeyPrefix, "london", factory.Time.GetUtcNow());
            Assert.Equal(ads * 9 / 10, totals['i']);
            var counted = totals['i'] + totals['v'] + totals['c'];
            return ((double)bytes / counted, (double)bytes / totals['i'], bytes, keys.Count);
        }

        var v3 = await MeasureAsync(a, Bitmaps(a), 800);
        var v2 = await MeasureAsync(before, "{c:london}:seen:*", 400);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bitmaps (token version 3): {v3.Bytes} bytes in {v3.Keys} keys, {v3.PerEvent:0.00} bytes per counted event, {v3.PerImpression:0.00} per counted impression"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"set (token version 2): {v2.Bytes} bytes in {v2.Keys} keys, {v2.PerEvent:0.00} bytes per counted event, {v2.PerImpression:0.00} per counted impression"));
        Assert.Equal(2, v3.Keys);
        Assert.True(v3.PerEvent <= 24, $"de-duplication costs {v3.PerEvent:0.00} bytes per counted event (goal: 24 at most)");
    }

    /// <summary>
    /// A small campaign, one ad shown an hour on one instance for a day, also stays within 24 bytes per counted event:
    /// its bitmap is per day of issue, so the key's fixed cost is shared by the day's 24 impressions (a key per hour
    /// would cost some 160 bytes for each).
    /// </summary>
    [Fact]
    public async Task DedupBytesPerCountedEvent_OfACampaignWithOneImpressionAnHour_AtMost24()
    {
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        using var factory = new AdsServerFactory(s_catalog, now: new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero));
        var client = Client(factory);
        for (var hour = 0; hour < 24; hour++)
        {
            var slot = (await ServeAsync(client, 1))[0];
            await BeaconsAsync(client, [slot.ImpressionUrl, slot.ImpressionUrl]);
            await factory.Services.GetRequiredService<CountingFlusher>().FlushAsync();
            factory.Time.Advance(TimeSpan.FromHours(1));
        }

        var key = Assert.Single(await KeysAsync(redis, factory.KeyPrefix + Bitmaps(factory)));
        var bytes = (long)await db.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0") + ExpiryBytesPerKey;
        var impressions = (await CounterReader.TotalsAsync(db, factory.KeyPrefix, "london", factory.Time.GetUtcNow().AddHours(-1)))['i'];
        Assert.Equal(24, impressions);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one impression an hour for a day: {bytes} bytes, {(double)bytes / impressions:0.00} per counted impression"));
        Assert.True(bytes <= 24 * impressions, $"{bytes} bytes for {impressions} impressions");
    }
}
