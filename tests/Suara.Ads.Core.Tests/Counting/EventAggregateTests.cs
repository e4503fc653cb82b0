using Suara.Ads.Core.Counting;

namespace Suara.Ads.Core.Tests.Counting;

public sealed class EventAggregateTests
{
    private static CounterKey Key(string campaign = "c1", CounterKind kind = CounterKind.Impression) => new(campaign, "cr", "sidebar", 495_000, kind);

    [Fact]
    public void AddEvent_SameTokenTwiceWhilePending_CountsOnce()
    {
        var aggregate = new EventAggregate();
        Assert.True(aggregate.AddEvent(Key(), "t1", 1));
        Assert.False(aggregate.AddEvent(Key(), "t1", 1));
        Assert.Equal(1, aggregate.Pending);
        var batch = Assert.Single(aggregate.TakeBatches());
        Assert.Single(batch.Events);
    }

    [Fact]
    public void TakeBatches_GroupsByCampaign_WithUniqueBatchIds()
    {
        var aggregate = new EventAggregate();
        aggregate.AddEvent(Key("a"), "t1", 1);
        aggregate.AddEvent(Key("b"), "t2", 1);
        aggregate.AddServed(Key("a", CounterKind.Served), new HoldKey(356_000_000, 739_000));
        aggregate.AddServed(Key("a", CounterKind.Served), new HoldKey(356_000_000, 739_000));

        var batches = aggregate.TakeBatches().ToDictionary(b => b.Campaign);
        Assert.Equal(3, batches["a"].EventCount);
        Assert.Equal(2, batches["a"].Counts[Key("a", CounterKind.Served)]);
        Assert.Equal(2, batches["a"].Held[new HoldKey(356_000_000, 739_000)]);
        Assert.Equal(1, batches["b"].EventCount);
        Assert.NotEqual(batches["a"].BatchId, batches["b"].BatchId);
        Assert.Empty(aggregate.TakeBatches());
        Assert.Equal(4, aggregate.Pending); // taken is not written
    }

    [Fact]
    public void Complete_ReleasesPendingAndTokens()
    {
        var aggregate = new EventAggregate();
        aggregate.AddEvent(Key(), "t1", 1);
        var batch = Assert.Single(aggregate.TakeBatches());
        aggregate.Complete(batch);
        Assert.Equal(0, aggregate.Pending);

        // After a write the store de-duplicates; locally the token may be added again.
        Assert.True(aggregate.AddEvent(Key(), "t1", 1));
    }

    [Fact]
    public void Return_RetriesTheSameBatchFirst_Unchanged()
    {
        var aggregate = new EventAggregate();
        aggregate.AddEvent(Key(), "t1", 1);
        var failed = Assert.Single(aggregate.TakeBatches());
        aggregate.Return(failed);
        aggregate.AddEvent(Key(), "t2", 1);
        Assert.False(aggregate.AddEvent(Key(), "t1", 1)); // still pending in the returned batch

        var retry = aggregate.TakeBatches();
        Assert.Equal(2, retry.Count);
        Assert.Same(failed, retry[0]);
        Assert.Equal("t2", Assert.Single(retry[1].Events).TokenId);
        Assert.NotEqual(failed.BatchId, retry[1].BatchId);
        Assert.Equal(2, aggregate.Pending);
    }

    [Fact]
    public void Add_BeyondCapacity_IsRefusedAndCountedAsDropped()
    {
        var aggregate = new EventAggregate(capacity: 3);
        Assert.True(aggregate.AddEvent(Key(), "t1", 1));
        Assert.True(aggregate.AddServed(Key(kind: CounterKind.Served)));
        Assert.True(aggregate.AddEvent(Key(), "t2", 1));
        Assert.False(aggregate.AddEvent(Key(), "t3", 1));
        Assert.False(aggregate.AddServed(Key(kind: CounterKind.Served)));
        Assert.Equal(3, aggregate.Pending);
        Assert.Equal(2, aggregate.Dropped);

        aggregate.Complete(Assert.Single(aggregate.TakeBatches()));
        Assert.True(aggregate.AddEvent(Key(), "t3", 1));
    }

    [Fact]
    public async Task Add_FromManyThreads_CountsEveryEvent()
    {
        var aggregate = new EventAggregate();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                aggregate.AddEvent(Key($"c{i % 7}"), $"{t}-{i}", 1);
            }
        })));

        Assert.Equal(40_000, aggregate.Pending);
        Assert.Equal(40_000, aggregate.TakeBatches().Sum(b => b.Events.Count));
    }

    [Fact]
    public void OldestPendingAge_IsTheWaitOfTheOldestUnwrittenBatch_ThroughRetries()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var aggregate = new EventAggregate(time: time);
        Assert.Equal(TimeSpan.Zero, aggregate.OldestPendingAge);

        aggregate.AddEvent(Key("a"), "t1", 1);
        time.Advance(TimeSpan.FromSeconds(3));
        aggregate.AddEvent(Key("b"), "t2", 1);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromSeconds(5), aggregate.OldestPendingAge);

        // Taken for writing: still waiting. One written, one handed back for a retry: the retry keeps its age.
        var batches = aggregate.TakeBatches().ToDictionary(b => b.Campaign);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(6), aggregate.OldestPendingAge);
        aggregate.Complete(batches["a"]);
        Assert.Equal(TimeSpan.FromSeconds(3), aggregate.OldestPendingAge);
        aggregate.Return(batches["b"]);
        aggregate.AddEvent(Key("c"), "t3", 1);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(13), aggregate.OldestPendingAge);

        foreach (var batch in aggregate.TakeBatches())
        {
            aggregate.Complete(batch);
        }

        Assert.Equal(TimeSpan.Zero, aggregate.OldestPendingAge);
        Assert.Equal(0, aggregate.Pending);
    }
    private static TokenEvent GroupEvent(string campaign, string token) => new(Key(campaign), token, 1) { SequencePerGroup = true, Sequence = 1 };

    [Fact]
    public void Recycle_AWrittenGroupBatchsList_FillsTheGroupsNextBatch_Empty()
    {
        var aggregate = new EventAggregate(groups: true);
        for (var i = 0; i < 300; i++)
        {
            Assert.True(aggregate.AddEvent(GroupEvent("c1", "t" + i)));
        }

        var first = Assert.Single(aggregate.TakeBatches());
        Assert.Equal(EventAggregate.GroupOwner("c1"), first.Campaign);
        var list = first.Events;
        Assert.Equal(300, list.Count);
        aggregate.Complete(first);
        aggregate.Recycle(first);
        Assert.Empty(first.Events); // the written batch keeps nothing of what the list will hold next
        Assert.NotSame(list, first.Events);

        Assert.True(aggregate.AddEvent(GroupEvent("c1", "u1")));
        var second = Assert.Single(aggregate.TakeBatches());
        Assert.Same(list, second.Events);
        Assert.Equal("u1", Assert.Single(second.Events).TokenId);
    }

    [Fact]
    public void Recycle_ABatchStillBeingWrittenOrToBeRetried_KeepsItsEvents()
    {
        var aggregate = new EventAggregate(groups: true);
        Assert.True(aggregate.AddEvent(GroupEvent("c1", "t1")));
        var batch = Assert.Single(aggregate.TakeBatches());

        aggregate.Recycle(batch); // not completed: still being written
        Assert.Single(batch.Events);

        aggregate.Return(batch);
        aggregate.Recycle(batch); // to be retried
        var retried = Assert.Single(aggregate.TakeBatches());
        Assert.Same(batch, retried);
        Assert.Equal("t1", Assert.Single(retried.Events).TokenId);
    }
    [Fact]
    public void Recycle_AListGrownByABurst_IsNotKept()
    {
        var aggregate = new EventAggregate(groups: true);
        for (var i = 0; i < 20_000; i++)
        {
            Assert.True(aggregate.AddEvent(GroupEvent("c1", "t" + i)));
        }

        var burst = Assert.Single(aggregate.TakeBatches());
        var list = burst.Events;
        aggregate.Complete(burst);
        aggregate.Recycle(burst);

        Assert.True(aggregate.AddEvent(GroupEvent("c1", "u1")));
        Assert.NotSame(list, Assert.Single(aggregate.TakeBatches()).Events);
    }
}
