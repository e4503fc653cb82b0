using Suara.Ads.Core.Counting;

namespace Suara.Ads.Core.Tests.Counting;

public sealed class CounterGroupsTests
{
    /// <summary>
    /// The groups are part of the Redis layout: counts already stored are found by them, so the function must never
    /// change (FNV-1a, 32 bits, of the UTF-8 id, modulo 8). Pinned on ids whose values were worked out by hand.
    /// </summary>
    [Theory]
    [InlineData("", 2166136261u % 8)]
    [InlineData("a", 0xe40c292cu % 8)]
    [InlineData("foobar", 0xbf9cf968u % 8)]
    public void Of_IsFnv1aOfTheUtf8IdModuloTheCount(string id, uint expected) => Assert.Equal((int)expected, CounterGroups.Of(id));

    [Fact]
    public void Of_SpreadsIdsOverEveryGroup_AndOwnersRoundTrip()
    {
        var counts = new int[CounterGroups.Count];
        for (var i = 0; i < 10_000; i++)
        {
            counts[CounterGroups.Of($"campaign-{i:D5}")]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 1_000, 1_500));
        for (var g = 0; g < CounterGroups.Count; g++)
        {
            Assert.Equal(g, CounterGroups.GroupOf(CounterGroups.Owner(g)));
        }

        Assert.Equal(-1, CounterGroups.GroupOf("london"));
        Assert.Equal(-1, CounterGroups.GroupOf("@suara"));
    }
}
