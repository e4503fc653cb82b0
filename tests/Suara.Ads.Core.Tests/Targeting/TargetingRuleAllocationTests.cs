using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Tests.Targeting;

public sealed class TargetingRuleAllocationTests
{
    private static readonly string[] s_rules =
    [
        "country in ('MY', 'SG') and device == 'mobile' and not section == 'politics'",
        "keywords contains 'travel' or section == 'travel'",
        "hour between 18 and 23 and weekday in ('sat', 'sun')",
        "kv.tier == 'premium' and kv.age between 18 and 65 and kv.score > 2",
        "referrer contains 'google' or path startswith '/sport/' or url contains 'football'",
        "country in ('a', 'b', 'c', 'd', 'e', 'MY') and keywords not in ('cars', 'boats') and kv.missing != 'x'",
    ];

    [Fact]
    public void Matches_TypicalRules_AllocatesNothing()
    {
        var rules = new TargetingRule[s_rules.Length];
        for (int i = 0; i < rules.Length; i++)
        {
            rules[i] = TestContexts.CompileOrThrow(s_rules[i]);
        }

        var context = TestContexts.Sample();
        int matches = Run(rules, context, 1_000);

        // The least of three rounds: code that allocates does so every round, a one-off runtime allocation does not.
        long allocated = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            matches += Run(rules, context, 10_000);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
        Assert.True(matches > 0);
    }

    private static int Run(TargetingRule[] rules, TargetingContext context, int iterations)
    {
        int matches = 0;
        for (int i = 0; i < iterations; i++)
        {
            foreach (var rule in rules)
            {
                if (rule.Matches(context))
                {
                    matches++;
                }
            }
        }

        return matches;
    }
}
