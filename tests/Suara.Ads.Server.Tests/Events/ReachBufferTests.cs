using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Suara.Ads.Core.Counting;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Tests.Support;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Suara.Ads.Server.Tests.Events;

/// <summary>
/// Reach of the counting groups (docs/redis.md, "Reach"): viewers held per campaign and site day and added every
/// <c>Ads:ReachInterval</c> with one <c>PFADD</c> per key, kept when a write fails, bounded, and written at a graceful stop.
/// </summary>
public sealed class ReachBufferTests
{
    // The factory's clock: 04:00 UTC on 30 November, 12:00 that day in Kuala Lumpur (the site's zone).
    private static readonly DateOnly SiteDay = new(2026, 11, 30);

    private static readonly string[] s_campaigns = ["amber", "birch", "cedar", "delta", "ember"];

    private static AdsServerFactory GroupServer(string? redis = null) => new(
        TestCatalog.Document([.. s_campaigns.Select(c => TestCatalog.Campaign(c))]),
        redis: redis,
        settings: new Dictionary<string, string?>(AdsServerFactory.GenerousLimits) { ["Ads:CountingGroups"] = "true" });

    /// <summary>Serves and counts <paramref name="count"/> ads to viewers <c>reader-FROM…</c>; notes each campaign's viewers (and impressions).</summary>
    private static async Task TrafficAsync(HttpClient client, int from, int count, Dictionary<string, HashSet<string>> viewers, Dictionary<string, int>? impressions = null)
    {
        for (var v = from; v < from + count; v++)
        {
            var slot = await Pages.ServeAsync(client, $"reader-{v}");
            Assert.NotNull(slot);
            Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl));
            if (!viewers.TryGetValue(slot.CampaignId, out var set))
            {
                viewers[slot.CampaignId] = set = [];
            }

            set.Add($"reader-{v}");
            if (impressions is not null)
            {
                impressions[slot.CampaignId] = impressions.GetValueOrDefault(slot.CampaignId) + 1;
            }
        }
    }

    private static async Task<long> CallsAsync(IServer server, string command)
    {
        var line = (await server.InfoAsync("commandstats")).SelectMany(g => g).SingleOrDefault(p => p.Key == "cmdstat_" + command).Value;
        return line is null ? 0 : long.Parse(line.Split(',')[0]["calls=".Length..], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task ViewersOfManyCampaigns_AreAddedAtTheInterval_OnePfaddPerKey_AndTheExpiryOnceAnHour()
    {
        using var redisProcess = new RedisProcess(); // a Redis of this test's own, so its command counts are this server's alone
        using var factory = GroupServer(redisProcess.Configuration);
        var client = factory.CreateClient();
        using var connection = await ConnectionMultiplexer.ConnectAsync(redisProcess.Configuration + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var db = connection.GetDatabase();
        var keys = factory.Services.GetRequiredService<CounterKeys>();
        var flusher = factory.Services.GetRequiredService<CountingFlusher>();
        var viewers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);

        // Three flushes of traffic, as the loop flushes (counts every flush, reach at the interval): no reach yet.
        await server.ExecuteAsync("CONFIG", "RESETSTAT");
        for (var round = 0; round < 3; round++)
        {
            await TrafficAsync(client, round * 40, 40, viewers);
            await flusher.FlushAsync(reachNow: false);
        }

        Assert.True(viewers.Count >= 3, $"the decisions went to {viewers.Count} campaigns only");
        Assert.Equal(0, await CallsAsync(server, "pfadd"));
        foreach (var campaign in s_campaigns)
        {
            Assert.False(await db.KeyExistsAsync(keys.Reach(campaign, SiteDay)));
        }

        // The interval passes: one PFADD per campaign's key with every viewer of the three flushes, and its expiry.
        factory.Time.Advance(TimeSpan.FromSeconds(30));
        await flusher.FlushAsync(reachNow: false);
        Assert.Equal(viewers.Count, await CallsAsync(server, "pfadd"));
        foreach (var (campaign, set) in viewers)
        {
            var key = keys.Reach(campaign, SiteDay);
            Assert.Equal(set.Count, await db.HyperLogLogLengthAsync(key));
            Assert.InRange((await db.KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromDays(399.9), TimeSpan.FromDays(400));
            Assert.True(await db.KeyPersistAsync(key)); // to see whether the next write sets it again
        }

        // The next interval: one PFADD per key again, and no expiry (this instance set it less than an hour ago).
        await server.ExecuteAsync("CONFIG", "RESETSTAT");
        await TrafficAsync(client, 1_000, 40, viewers);
        await flusher.FlushAsync(reachNow: false);
        factory.Time.Advance(TimeSpan.FromSeconds(30));
        await flusher.FlushAsync(reachNow: false);
        Assert.Equal(viewers.Count, await CallsAsync(server, "pfadd"));
        foreach (var (campaign, set) in viewers)
        {
            var key = keys.Reach(campaign, SiteDay);
            Assert.Equal(set.Count, await db.HyperLogLogLengthAsync(key));
            Assert.Null(await db.KeyTimeToLiveAsync(key));
        }

        // An hour on: the expiry is set again with the next write.
        await TrafficAsync(client, 2_000, 40, viewers);
        factory.Time.Advance(TimeSpan.FromHours(1));
        await flusher.FlushAsync(reachNow: false);
        foreach (var campaign in viewers.Keys)
        {
            Assert.NotNull(await db.KeyTimeToLiveAsync(keys.Reach(campaign, SiteDay)));
        }
    }

    [Theory]
    [InlineData("00:00:30", true)]
    [InlineData("00:00:01", true)]
    [InlineData("00:10:00", true)]
    [InlineData("00:00:00.500", false)]
    [InlineData("00:10:01", false)]
    public void TheInterval_IsValidatedAtStart(string interval, bool valid)
    {
        var options = new AdsOptions { ReachInterval = TimeSpan.Parse(interval, CultureInfo.InvariantCulture) };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.Equal(valid, System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Equal(TimeSpan.FromSeconds(30), new AdsOptions().ReachInterval);
    }

    private static TokenEvent Impression(string campaign, int ad, string viewer) =>
        new(new CounterKey(campaign, "cr", "sidebar", 495_000, CounterKind.Impression), $"{campaign}-{ad}", 495_000)
        {
            Issuer = 7,
            Sequence = ad,
            SequencePerGroup = true,
            SiteDay = SiteDay.DayNumber,
            Reach = viewer,
        };

    /// <summary>A buffer on the test Redis with a key prefix of its own, on a fake clock, fed with <paramref name="viewers"/> viewers of each campaign.</summary>
    private static (ReachBuffer Buffer, FakeTimeProvider Time, CounterKeys Keys, RedisConnection Connection) Buffer(int capacity = ReachBuffer.DefaultCapacity)
    {
        var options = TestRedis.Options();
        var connection = new RedisConnection(options);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 4, 0, 0, TimeSpan.Zero));
        var keys = new CounterKeys(options);
        return (new ReachBuffer(connection, keys, time, MsOptions.Create(new AdsOptions())) { Capacity = capacity }, time, keys, connection);
    }

    private static void Feed(ReachBuffer buffer, string campaign, int from, int count)
    {
        var aggregate = new EventAggregate(groups: true);
        for (var v = from; v < from + count; v++)
        {
            Assert.True(aggregate.AddEvent(Impression(campaign, v, $"viewer-{v}")));
        }

        foreach (var batch in aggregate.TakeBatches())
        {
            buffer.Add(batch);
        }
    }

    [Fact]
    public async Task AFailedWrite_KeepsItsViewersForTheNextInterval_AndTheOthersAreWritten()
    {
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        var (buffer, time, keys, connection) = Buffer();
        using var _ = connection;
        Feed(buffer, "stuck", 0, 50);
        Feed(buffer, "fine", 100, 20);
        Assert.Equal(70, buffer.Held);

        // Not due before the interval.
        Assert.False(buffer.IsDue);
        time.Advance(TimeSpan.FromSeconds(29));
        await buffer.WriteIfDueAsync();
        Assert.False(await db.KeyExistsAsync(keys.Reach("fine", SiteDay)));

        // Due: the key of "stuck" refuses PFADD (it holds a string), that of "fine" takes it.
        await db.StringSetAsync(keys.Reach("stuck", SiteDay), "not a sketch");
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(buffer.IsDue);
        await buffer.WriteIfDueAsync();
        Assert.Equal(20, await db.HyperLogLogLengthAsync(keys.Reach("fine", SiteDay)));
        Assert.Equal(50, buffer.Held);
        Assert.False(buffer.IsDue); // not again before the next interval
        Assert.Equal(0, buffer.Dropped);

        // Redis takes it again: the next interval writes the viewers kept.
        await db.KeyDeleteAsync(keys.Reach("stuck", SiteDay));
        time.Advance(TimeSpan.FromSeconds(30));
        await buffer.WriteIfDueAsync();
        Assert.Equal(50, await db.HyperLogLogLengthAsync(keys.Reach("stuck", SiteDay)));
        Assert.Equal(0, buffer.Held);
        await db.KeyDeleteAsync([keys.Reach("stuck", SiteDay), keys.Reach("fine", SiteDay)]);
    }

    [Fact]
    public async Task ItsBound_WritesEarly_AndWhileWritesFail_DropsTheOldestKeysViewers()
    {
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        var (buffer, time, keys, connection) = Buffer(capacity: 100);
        using var _ = connection;

        // Reaching the bound makes the write due before the interval.
        Feed(buffer, "early", 0, 99);
        Assert.False(buffer.IsDue);
        Feed(buffer, "early", 99, 1);
        Assert.True(buffer.IsDue);
        await buffer.WriteIfDueAsync();
        Assert.Equal(100, await db.HyperLogLogLengthAsync(keys.Reach("early", SiteDay)));
        Assert.Equal(0, buffer.Held);

        // Writes fail (both keys hold strings): beyond the bound the oldest key's viewers go, counted; the newest stay.
        await db.StringSetAsync(keys.Reach("older", SiteDay), "x");
        await db.StringSetAsync(keys.Reach("newer", SiteDay), "x");
        Feed(buffer, "older", 0, 60);
        Feed(buffer, "newer", 1_000, 60);
        await buffer.WriteIfDueAsync();
        Assert.Equal(60, buffer.Held);
        Assert.Equal(60, buffer.Dropped);

        // Still failing, more viewers before the interval: not written early again, but kept within the bound.
        Feed(buffer, "newest", 2_000, 70);
        Assert.False(buffer.IsDue);
        await buffer.WriteIfDueAsync();
        Assert.Equal(70, buffer.Held);
        Assert.Equal(120, buffer.Dropped);

        // Redis takes them again: what was kept is written at the interval.
        await db.KeyDeleteAsync([keys.Reach("older", SiteDay), keys.Reach("newer", SiteDay)]);
        time.Advance(TimeSpan.FromSeconds(30));
        await buffer.WriteIfDueAsync();
        Assert.Equal(70, await db.HyperLogLogLengthAsync(keys.Reach("newest", SiteDay)));
        Assert.False(await db.KeyExistsAsync(keys.Reach("newer", SiteDay)));
        Assert.Equal(0, buffer.Held);
        await db.KeyDeleteAsync([keys.Reach("early", SiteDay), keys.Reach("newest", SiteDay)]);
    }

    [Fact]
    public async Task AGracefulStop_WritesTheReachHeld()
    {
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        var factory = GroupServer();
        var viewers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        CounterKeys keys;
        try
        {
            var client = factory.CreateClient();
            keys = factory.Services.GetRequiredService<CounterKeys>();
            await TrafficAsync(client, 0, 30, viewers);

            // The counts are written, the reach is held (the interval has not passed).
            await factory.Services.GetRequiredService<CountingFlusher>().FlushAsync(reachNow: false);
            Assert.Equal(30, viewers.Values.Sum(v => v.Count));
            var buffer = factory.Services.GetRequiredService<ReachBuffer>();
            Assert.Equal(30, buffer.Held);
            Assert.Equal(0, buffer.Dropped);

            // Both are exported. (Their values are checked on the buffer: every test host in this process has a meter of
            // the same name, and the exporter listens by name, so a host running in parallel can show its own value.)
            var metrics = await client.GetStringAsync("/metrics");
            Assert.Matches(@"(?m)^suara_ads_reach_pending(\{[^}]*\})? \d+\b", metrics);
            Assert.Matches(@"(?m)^suara_ads_reach_dropped_total(\{[^}]*\})? \d+\b", metrics);
            foreach (var campaign in viewers.Keys)
            {
                Assert.False(await db.KeyExistsAsync(keys.Reach(campaign, SiteDay)));
            }
        }
        finally
        {
            // The host stops: the flusher drains.
            await factory.DisposeAsync();
        }

        foreach (var (campaign, set) in viewers)
        {
            Assert.Equal(set.Count, await db.HyperLogLogLengthAsync(keys.Reach(campaign, SiteDay)));
        }
    }

    [Fact]
    public async Task Reports_ShowTheSameReach_OnceTheIntervalHasPassed()
    {
        TestRedis.Connect().Dispose();
        using var factory = GroupServer();
        var client = factory.CreateClient();
        var flusher = factory.Services.GetRequiredService<CountingFlusher>();
        var viewers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var impressions = new Dictionary<string, int>(StringComparer.Ordinal);
        await TrafficAsync(client, 0, 60, viewers, impressions);
        await TrafficAsync(client, 0, 60, viewers, impressions); // the same viewers again: more impressions, no more reach

        async Task<JsonNode> ReportAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey) } };
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }

        // Counted, but the reach not yet written: it lags by up to one interval.
        await flusher.FlushAsync(reachNow: false);
        var campaign = viewers.OrderByDescending(v => v.Value.Count).First().Key;
        var early = await ReportAsync($"/v1/reports/campaigns/{campaign}?from=2026-11-30&to=2026-11-30");
        Assert.Equal(impressions[campaign], (long)early["totals"]!["impressions"]!);
        Assert.Equal(0, (long)early["totals"]!["reach"]!);

        // The interval passes: each campaign's reach is its distinct viewers (exact for so few), the advertiser's their union.
        factory.Time.Advance(TimeSpan.FromSeconds(30));
        await flusher.FlushAsync(reachNow: false);
        foreach (var (id, set) in viewers)
        {
            var report = await ReportAsync($"/v1/reports/campaigns/{id}?from=2026-11-30&to=2026-11-30");
            Assert.Equal(set.Count, (long)report["totals"]!["reach"]!);
        }

        var advertiser = await ReportAsync("/v1/reports/advertisers/skyway?from=2026-11-30&to=2026-11-30");
        Assert.Equal(60, (long)advertiser["totals"]!["reach"]!);
        foreach (var row in advertiser["rows"]!.AsArray())
        {
            Assert.Equal(viewers.TryGetValue((string)row!["campaignId"]!, out var set) ? set.Count : 0, (long)row["reach"]!);
        }
    }
}
