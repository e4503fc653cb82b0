using Suara.Ads.Core.Events;

namespace Suara.Ads.Core.Tests.Events;

public sealed class AdSequencerTests
{
    private const long Hour = 495_000;

    [Fact]
    public void Next_NumbersEachCampaignFromZero_AndStartsAgainInANewHour()
    {
        var sequencer = new AdSequencer(42);
        Assert.Equal([0L, 1, 2], [sequencer.Next("a", Hour), sequencer.Next("a", Hour), sequencer.Next("a", Hour)]);
        Assert.Equal(0, sequencer.Next("b", Hour));
        Assert.Equal(0, sequencer.Next("a", Hour + 1));
        Assert.Equal(1, sequencer.Next("a", Hour + 1));
        Assert.Equal(42UL, sequencer.Issuer);
    }

    [Fact]
    public void Next_AnHourOlderThanOneNumbered_GetsNoNumber()
    {
        // Numbering hour H again after H+1 would hand out numbers already used in H: such an ad takes the set path.
        var sequencer = new AdSequencer(1);
        Assert.Equal(0, sequencer.Next("a", Hour));
        Assert.Equal(0, sequencer.Next("a", Hour + 1));
        Assert.Equal(-1, sequencer.Next("a", Hour));
        Assert.Equal(1, sequencer.Next("a", Hour + 1));
    }

    [Fact]
    public void Next_ManyThreadsAtOnce_NeverGiveANumberTwice()
    {
        var sequencer = new AdSequencer(1);
        var numbers = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 40_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => numbers.Add(sequencer.Next("a", Hour)));
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
}
