using Suara.Ads.Core.Events;

namespace Suara.Ads.Core.Tests.Events;

public sealed class AdSequencerTests
{
    private const long Day = 20_600;

    [Fact]
    public void Next_NumbersEachCampaignFromZero_AndStartsAgainOnANewDay()
    {
        var sequencer = new AdSequencer(42);
        Assert.Equal([0L, 1, 2], [sequencer.Next("a", Day), sequencer.Next("a", Day), sequencer.Next("a", Day)]);
        Assert.Equal(0, sequencer.Next("b", Day));
        Assert.Equal(0, sequencer.Next("a", Day + 1));
        Assert.Equal(1, sequencer.Next("a", Day + 1));
        Assert.Equal(42UL, sequencer.Issuer);
    }

    [Fact]
    public void Next_PerGroup_NumbersTheCampaignsOfAGroupTogether()
    {
        var sequencer = new AdSequencer(1, perGroup: true);
        var ids = Enumerable.Range(0, 50).Select(i => $"c{i}").ToArray();
        var (a, b) = (ids[0], ids.Skip(1).First(id => Core.Counting.CounterGroups.Of(id) == Core.Counting.CounterGroups.Of(ids[0])));
        var other = ids.First(id => Core.Counting.CounterGroups.Of(id) != Core.Counting.CounterGroups.Of(a));
        Assert.Equal([0L, 1, 2], [sequencer.Next(a, Day), sequencer.Next(b, Day), sequencer.Next(a, Day)]);
        Assert.Equal(0, sequencer.Next(other, Day));
        Assert.True(sequencer.PerGroup);
    }

    [Fact]
    public void Next_ADayOlderThanOneNumbered_GetsNoNumber()
    {
        // Numbering day D again after D+1 would hand out numbers already used on D: such an ad takes the set path.
        var sequencer = new AdSequencer(1);
        Assert.Equal(0, sequencer.Next("a", Day));
        Assert.Equal(0, sequencer.Next("a", Day + 1));
        Assert.Equal(-1, sequencer.Next("a", Day));
        Assert.Equal(1, sequencer.Next("a", Day + 1));
    }

    [Fact]
    public void Next_ManyThreadsAtOnce_NeverGiveANumberTwice()
    {
        var sequencer = new AdSequencer(1);
        var numbers = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 40_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => numbers.Add(sequencer.Next("a", Day)));
        Assert.Equal(40_000, numbers.Distinct().Count());
        Assert.Equal(39_999, numbers.Max());
    }

    [Fact]
    public void Issuer_IsRandomAndNeverZero()
    {
        var issuers = Enumerable.Range(0, 100).Select(_ => new AdSequencer().Issuer).ToHashSet();
        Assert.Equal(100, issuers.Count);
        Assert.DoesNotContain(0UL, issuers);
    }

    [Fact]
    public void DayOf_IsTheUtcDayOfIssue()
    {
        Assert.Equal(20_422, AdSequencer.DayOf(new DateTimeOffset(2025, 11, 30, 23, 59, 59, TimeSpan.Zero)));
        Assert.Equal(20_422, AdSequencer.DayOf(new DateTimeOffset(2025, 12, 1, 7, 0, 0, TimeSpan.FromHours(8)))); // 2025-11-30 23:00 UTC
        Assert.Equal(20_423, AdSequencer.DayOf(new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero)));
    }
}
