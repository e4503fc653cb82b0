using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Events;

/// <summary>The counting groups' script (docs/redis.md, "Counting groups"), straight against Redis.</summary>
public sealed class GroupCounterStoreTests : IDisposable
{
    private readonly Microsoft.Extensions.Options.IOptions<RedisOptions> _options = TestRedis.Options();
    private readonly RedisConnection _connection;
    private readonly GroupCounterStore _store;

    public GroupCounterStoreTests()
    {
        _connection = new RedisConnection(_options);
        _store = new GroupCounterStore(_connection, new CounterKeys(_options), new DeliveryKeys(_options), TimeProvider.System, new CatalogSnapshotHolder(), Microsoft.Extensions.Options.Options.Create(new RetentionOptions()), new ReachBuffer(_connection, new CounterKeys(_options), TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new AdsOptions())));
    }

    public void Dispose() => _connection.Dispose();

    private static TokenEvent Event(CounterKey key, int ad) => new(key, $"{key.Campaign}{key.Kind}{ad}", 495_000) { Issuer = 7, Sequence = ad, SequencePerGroup = true, SiteDay = 739_000 };

    [Fact]
    public async Task WriteAsync_ManyCampaignsOfAGroup_CountEachEventOnce_FollowUpsOnlyAfterTheirImpression_AndRetriesAreNoOps()
    {
        // Arrange: two campaigns of one group, 2,500 impressions of one (more than one BITFIELD's worth) and clicks of ads
        // 2,000-2,999, half of which have no impression yet; the other campaign's ads are numbered in the same group.
        using var redis = TestRedis.Connect();
        var (first, second) = TwoCampaignsOfOneGroup();
        var impression = new CounterKey(first, "cr", "sidebar", 495_000, CounterKind.Impression);
        var click = impression with { Kind = CounterKind.Click };
        var other = impression with { Campaign = second };
        var aggregate = new EventAggregate(groups: true);
        for (var i = 0; i < 2_500; i++)
        {
            Assert.True(aggregate.AddEvent(Event(impression, i)));
        }

        for (var i = 2_000; i < 3_000; i++)
        {
            Assert.True(aggregate.AddEvent(Event(click, i)));
        }

        for (var i = 3_000; i < 3_010; i++)
        {
            Assert.True(aggregate.AddEvent(Event(other, i)));
        }

        // Act: the batch, then the same batch again (a lost reply).
        var batch = Assert.Single(aggregate.TakeBatches());
        var outcome = await _store.WriteAsync(batch, earliest: true);
        Assert.Equal(GroupStatus.Applied, outcome.Status);
        Assert.Equal(500, outcome.Outcome.RefusedFollowUps.Count);
        Assert.Equal(GroupStatus.AppliedBefore, (await _store.WriteAsync(batch, earliest: true)).Status);
        aggregate.Complete(batch);

        // Ads 2,000-2,599 again (500 repeats, 100 new), and all the clicks again: those of ads 2,500-2,599 now count, those of
        // 2,600-2,999 are refused again.
        for (var i = 2_000; i < 2_600; i++)
        {
            Assert.True(aggregate.AddEvent(Event(impression, i)));
        }

        for (var i = 2_000; i < 3_000; i++)
        {
            Assert.True(aggregate.AddEvent(Event(click, i)));
        }

        Assert.Equal(GroupStatus.Applied, (await _store.WriteAsync(Assert.Single(aggregate.TakeBatches()), earliest: true)).Status);

        // Assert
        var day = DateTimeOffset.FromUnixTimeSeconds(495_000L * 3600);
        var db = redis.GetDatabase();
        var totals = await CounterReader.TotalsAsync(db, _options.Value.KeyPrefix, first, day);
        Assert.Equal((2_600L, 600L), (totals['i'], totals['c']));
        Assert.Equal(500 + 400, (await CounterReader.InvalidAsync(db, _options.Value.KeyPrefix, first, day))['n']);
        Assert.Equal(10, (await CounterReader.TotalsAsync(db, _options.Value.KeyPrefix, second, day))['i']);
        Assert.Equal(2_600, await CounterReader.DeliveredAsync(db, _options.Value.KeyPrefix, first));
        Assert.Equal(10, await CounterReader.DeliveredAsync(db, _options.Value.KeyPrefix, second));
    }

    [Fact]
    public async Task WriteAsync_MoreCellsThanOneCommandTakes_CountsThemAll()
    {
        // 7,000 cells of one group's hour in one batch: more fields than one HMGET or HSET of the script takes.
        using var redis = TestRedis.Connect();
        var (campaign, _) = TwoCampaignsOfOneGroup();
        var aggregate = new EventAggregate(groups: true);
        for (var i = 0; i < 7_000; i++)
        {
            Assert.True(aggregate.AddServed(new CounterKey(campaign, $"cr{i}", "sidebar", 495_000, CounterKind.Served)));
            Assert.True(aggregate.AddServed(new CounterKey(campaign, $"cr{i}", "sidebar", 495_000, CounterKind.Served)));
        }

        Assert.Equal(GroupStatus.Applied, (await _store.WriteAsync(Assert.Single(aggregate.TakeBatches()), earliest: true)).Status);
        var day = DateTimeOffset.FromUnixTimeSeconds(495_000L * 3600);
        Assert.Equal(14_000, (await CounterReader.TotalsAsync(redis.GetDatabase(), _options.Value.KeyPrefix, campaign, day))['s']);
    }

    [Fact]
    public async Task WriteAsync_ABatchWhoseEarlierBatchIsNotApplied_WaitsForIt_AndEachCountsOnce()
    {
        using var redis = TestRedis.Connect();
        var (campaign, _) = TwoCampaignsOfOneGroup();
        var served = new CounterKey(campaign, "cr", "sidebar", 495_000, CounterKind.Served);
        var aggregate = new EventAggregate(groups: true);
        Assert.True(aggregate.AddServed(served));
        var one = Assert.Single(aggregate.TakeBatches());
        Assert.True(aggregate.AddServed(served));
        Assert.True(aggregate.AddServed(served));
        var two = Assert.Single(aggregate.TakeBatches());
        Assert.Equal((1L, 2L), (one.Sequence, two.Sequence));

        // The second before the first (the first failed): it waits; then both, in order, once each.
        Assert.Equal(GroupStatus.NotYet, (await _store.WriteAsync(two, earliest: false)).Status);
        Assert.Equal(GroupStatus.Applied, (await _store.WriteAsync(one, earliest: true)).Status);
        Assert.Equal(GroupStatus.Applied, (await _store.WriteAsync(two, earliest: false)).Status);
        Assert.Equal(GroupStatus.AppliedBefore, (await _store.WriteAsync(one, earliest: true)).Status);
        Assert.Equal(GroupStatus.AppliedBefore, (await _store.WriteAsync(two, earliest: true)).Status);

        var day = DateTimeOffset.FromUnixTimeSeconds(495_000L * 3600);
        Assert.Equal(3, (await CounterReader.TotalsAsync(redis.GetDatabase(), _options.Value.KeyPrefix, campaign, day))['s']);
    }

    [Fact]
    public async Task WriteAsync_TheEarliestBatchOfARunWhoseRecordIsGone_IsApplied()
    {
        // A run whose record was dropped (silent in the group for a day) still writes its next batch: the earliest one
        // unconfirmed passes the gap.
        using var redis = TestRedis.Connect();
        var (campaign, _) = TwoCampaignsOfOneGroup();
        var served = new CounterKey(campaign, "cr", "sidebar", 495_000, CounterKind.Served);
        var aggregate = new EventAggregate(groups: true);
        Assert.True(aggregate.AddServed(served));
        aggregate.Complete(Assert.Single(aggregate.TakeBatches())); // batch 1, never written here
        Assert.True(aggregate.AddServed(served));
        var two = Assert.Single(aggregate.TakeBatches());

        Assert.Equal(GroupStatus.Applied, (await _store.WriteAsync(two, earliest: true)).Status);
        var day = DateTimeOffset.FromUnixTimeSeconds(495_000L * 3600);
        Assert.Equal(1, (await CounterReader.TotalsAsync(redis.GetDatabase(), _options.Value.KeyPrefix, campaign, day))['s']);
    }

    [Fact]
    public async Task WriteAsync_EveryFieldOfAGroupsHashes_IsNamedByItsMonthsIndex_EachCellOnce()
    {
        // Arrange: the last hour of January (UTC, the zone of a campaign the catalog does not know) and the first of
        // February; two campaigns of one group; served counts, an impression, a click without its impression (invalid).
        using var redis = TestRedis.Connect();
        var db = redis.GetDatabase();
        var keys = new CounterKeys(_options);
        var (first, second) = TwoCampaignsOfOneGroup();
        var group = CounterGroups.Of(first);
        var hour = new DateTimeOffset(2026, 1, 31, 23, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds() / 3600;
        var served = new CounterKey(first, "cr1", "sidebar", hour, CounterKind.Served);
        var aggregate = new EventAggregate(groups: true);
        Assert.True(aggregate.AddServed(served));
        Assert.True(aggregate.AddServed(served with { Campaign = second }));
        Assert.True(aggregate.AddEvent(Event(served with { Kind = CounterKind.Impression }, 0)));
        Assert.True(aggregate.AddEvent(Event(served with { Kind = CounterKind.Click }, 5)));
        await WriteAllAsync(aggregate);

        // Act: the next hour (new fields of known cells, in a new day and month), a new creative in the first hour, then
        // the same fields again.
        for (var round = 0; round < 2; round++)
        {
            Assert.True(aggregate.AddServed(served with { Hour = hour + 1 }));
            Assert.True(aggregate.AddServed(served with { Creative = "cr2" }));
            Assert.True(aggregate.AddServed(served with { Campaign = second, Hour = hour + 1 }));
            await WriteAllAsync(aggregate);
        }

        // Assert: the index of each month names each owner's cells once, and every field of the month's and the days'
        // hashes by its cell.
        async Task<Dictionary<string, string[]>> IndexAsync(int month) =>
            (await db.HashGetAllAsync(keys.GroupDailyIndex(group, month))).ToDictionary(e => (string)e.Name!, e => ((string)e.Value!).Split(' '));
        var january = await IndexAsync(202601);
        var february = await IndexAsync(202602);
        Assert.Equal(["sidebar|cr1|i", "sidebar|cr1|s", "sidebar|cr1|xn", "sidebar|cr2|s"], january[first].Order(StringComparer.Ordinal));
        Assert.Equal(["sidebar|cr1|s"], january[second]);
        Assert.Equal(["sidebar|cr1|s"], february[first]);
        Assert.Equal(["sidebar|cr1|s"], february[second]);
        foreach (var month in new[] { 202601, 202602 })
        {
            var index = await IndexAsync(month);
            Assert.True(await db.KeyTimeToLiveAsync(keys.GroupDailyIndex(group, month)) > TimeSpan.FromDays(390));
            foreach (var entry in await db.HashGetAllAsync(keys.GroupDailyCounters(group, month)))
            {
                var parts = ((string)entry.Name!).Split('|', 3);
                Assert.Contains(parts[2], index[parts[0]]);
            }
        }

        var fields = 0;
        foreach (var day in new[] { hour / 24, (hour + 1) / 24 })
        {
            foreach (var entry in await db.HashGetAllAsync(keys.GroupCounters(group, day)))
            {
                var parts = ((string)entry.Name!).Split('|', 3);
                var index = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) == hour ? january : february;
                Assert.Contains(parts[2], index[parts[0]]);
                fields++;
            }
        }

        Assert.Equal(7, fields);
    }

    private async Task WriteAllAsync(EventAggregate aggregate)
    {
        foreach (var batch in aggregate.TakeBatches())
        {
            Assert.Equal(GroupStatus.Applied, (await _store.WriteAsync(batch, earliest: true)).Status);
            aggregate.Complete(batch);
        }
    }

    /// <summary>Two campaign ids of one counting group.</summary>
    private static (string First, string Second) TwoCampaignsOfOneGroup()
    {
        var ids = Enumerable.Range(0, 100).Select(i => $"gc{i}").ToArray();
        var first = ids[0];
        return (first, ids.Skip(1).First(id => CounterGroups.Of(id) == CounterGroups.Of(first)));
    }
}
