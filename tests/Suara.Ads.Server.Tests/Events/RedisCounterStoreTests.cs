using Microsoft.Extensions.Options;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Events;

public sealed class RedisCounterStoreTests : IDisposable
{
    private readonly IOptions<RedisOptions> _options = TestRedis.Options();
    private readonly RedisConnection _connection;
    private readonly RedisCounterStore _store;

    public RedisCounterStoreTests()
    {
        _connection = new RedisConnection(_options);
        _store = new RedisCounterStore(_connection, new CounterKeys(_options), new DeliveryKeys(_options), TimeProvider.System, new CatalogSnapshotHolder(), Microsoft.Extensions.Options.Options.Create(new RetentionOptions()));
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public async Task WriteAsync_LargeGroupsAndRepeatsAndRetries_CountEachTokenOnce()
    {
        using var redis = TestRedis.Connect();
        var key = new CounterKey("c1", "cr", "sidebar", 495_000, CounterKind.Impression);
        var aggregate = new EventAggregate();

        // 2,500 tokens in one counter cell: more than one SADD's worth.
        for (var i = 0; i < 2_500; i++)
        {
            Assert.True(aggregate.AddEvent(key, $"t{i}", 495_000));
        }

        var first = Assert.Single(aggregate.TakeBatches());
        await _store.WriteAsync(first);
        await _store.WriteAsync(first); // a retry of the same batch (lost reply): a no-op
        aggregate.Complete(first);

        // 500 of them again, plus 100 new ones, in a new batch.
        for (var i = 2_000; i < 2_600; i++)
        {
            Assert.True(aggregate.AddEvent(key, $"t{i}", 495_000));
        }

        await _store.WriteAsync(Assert.Single(aggregate.TakeBatches()));

        var totals = await CounterReader.TotalsAsync(redis.GetDatabase(), _options.Value.KeyPrefix, "c1", DateTimeOffset.FromUnixTimeSeconds(495_000L * 3600));
        Assert.Equal(2_600, totals['i']);
    }

    [Fact]
    public async Task WriteAsync_NumberedAdsInLargeGroups_CountEachEventOnce_AndFollowUpsOnlyAfterTheirImpression()
    {
        using var redis = TestRedis.Connect();
        var impression = new CounterKey("c1", "cr", "sidebar", 495_000, CounterKind.Impression);
        var click = impression with { Kind = CounterKind.Click };
        var aggregate = new EventAggregate();
        TokenEvent Event(CounterKey key, int ad) => new(key, $"{key.Kind}{ad}", 495_000) { Issuer = 7, Sequence = ad };

        // 2,500 impressions in one group (more than one BITFIELD's worth) and the clicks of ads 2,000-2,999, half of
        // which have no impression yet; the batch applied twice.
        for (var i = 0; i < 2_500; i++)
        {
            Assert.True(aggregate.AddEvent(Event(impression, i)));
        }

        for (var i = 2_000; i < 3_000; i++)
        {
            Assert.True(aggregate.AddEvent(Event(click, i)));
        }

        var first = Assert.Single(aggregate.TakeBatches());
        var outcome = await _store.WriteAsync(first);
        Assert.Equal(500, outcome.RefusedFollowUps.Count);
        Assert.Same(BatchOutcome.AlreadyApplied, await _store.WriteAsync(first));
        aggregate.Complete(first);

        // Ads 2,000-2,599 again (500 repeats, 100 new), and all the clicks again: those of ads 2,500-2,599 now count,
        // those of 2,600-2,999 are refused again.
        for (var i = 2_000; i < 2_600; i++)
        {
            Assert.True(aggregate.AddEvent(Event(impression, i)));
        }

        for (var i = 2_000; i < 3_000; i++)
        {
            Assert.True(aggregate.AddEvent(Event(click, i)));
        }

        await _store.WriteAsync(Assert.Single(aggregate.TakeBatches()));

        var day = DateTimeOffset.FromUnixTimeSeconds(495_000L * 3600);
        var totals = await CounterReader.TotalsAsync(redis.GetDatabase(), _options.Value.KeyPrefix, "c1", day);
        Assert.Equal((2_600L, 600L), (totals['i'], totals['c']));
        Assert.Equal(500 + 400, (await CounterReader.InvalidAsync(redis.GetDatabase(), _options.Value.KeyPrefix, "c1", day))['n']);
    }
}
