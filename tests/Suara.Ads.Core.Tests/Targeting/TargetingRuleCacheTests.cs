using System.Globalization;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Tests.Targeting;

/// <summary>The shared cache of compiled rules: hits give the same rule, and it stays within its bound.</summary>
public sealed class TargetingRuleCacheTests
{
    [Fact]
    public void Compile_SameText_GivesTheSameRule_AndFailuresAreNotKept()
    {
        var text = $"section == 'cache-{Guid.NewGuid():N}'";

        var first = TargetingRuleCache.Compile(text);

        Assert.True(first.Success);
        Assert.Same(first, TargetingRuleCache.Compile(text));
        Assert.False(TargetingRuleCache.Compile("country ==").Success);
        Assert.NotSame(TargetingRuleCache.Compile("country =="), TargetingRuleCache.Compile("country =="));
    }

    [Fact]
    public void Compile_BeyondMaxEntries_StartsAgain()
    {
        // From several threads, as a load compiles: the count the bound is checked against must not drift.
        Parallel.For(0, TargetingRuleCache.MaxEntries + 10, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            Assert.True(TargetingRuleCache.Compile(string.Create(CultureInfo.InvariantCulture, $"keywords contains 'bound-{i}'")).Success));

        Assert.InRange(TargetingRuleCache.Count, 1, TargetingRuleCache.MaxEntries);
    }
}
