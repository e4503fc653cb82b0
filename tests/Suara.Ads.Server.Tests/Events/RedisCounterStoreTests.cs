using Microsoft.Extensions.Options;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Events;

public sealed class RedisCounterStoreTests
{
    [Fact]
    public async Task WriteAsync_LargeGroupsAndRepeatsAndRetries_CountEachTokenOnce()
    {
        using var redis = TestRedis.Connect();
        var options = Microsoft.Extensions.Options.Options.Create(new RedisOptions { Configuration = TestRedis.Configuration, KeyPrefix = $"test-{Guid.NewGuid():N}:" });
        using var connection = new RedisConnection(options);
        var store = new RedisCounterStore(connection, new CounterKeys(options), new DeliveryKeys(options), TimeProvider.System, new CatalogSnapshotHolder(), Microsoft.Extensions.Options.Options.Create(new RetentionOptions()));
        var key = new CounterKey("c1", "cr", "sidebar", 495_000, CounterKind.Impression);
        var aggregate = new EventAggregate();

        // 2,500 tokens in one counter cell: more than one SADD's worth.
        for (var i = 0; i < 2_500; i++)
        {
            Assert.True(aggregate.AddEvent(key, $"t{i}", 495_000));
        }

        var first = Assert.Single(aggregate.TakeBatches());
        await store.WriteAsync(first);
        await store.WriteAsync(first); // a retry of the same batch (lost reply): a no-op
        aggregate.Complete(first);

        // 500 of them again, plus 100 new ones, in a new batch.
        for (var i = 2_000; i < 2_600; i++)
        {
            Assert.True(aggregate.AddEvent(key, $"t{i}", 495_000));
        }

        await store.WriteAsync(Assert.Single(aggregate.TakeBatches()));

        var totals = await CounterReader.TotalsAsync(redis.GetDatabase(), options.Value.KeyPrefix, "c1", DateTimeOffset.FromUnixTimeSeconds(495_000L * 3600));
        Assert.Equal(2_600, totals['i']);
    }
}
