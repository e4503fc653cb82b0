using Suara.Ads.Core.Billing;
using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Core.Tests.Billing;

public sealed class MoneyTests
{
    [Fact]
    public void Allocate_RandomShares_AddUpToTheTotal_EachWithinACentOfItsExactShare()
    {
        var random = new Random(7);
        for (var round = 0; round < 2_000; round++)
        {
            var weights = Enumerable.Range(0, random.Next(1, 40)).Select(_ => (decimal)random.Next(0, 100_000) / random.Next(1, 1_000)).ToArray();
            var total = Money.Round((decimal)random.Next(0, 10_000_000) / 100);
            var parts = Money.Allocate(total, weights);

            Assert.Equal(total, parts.Sum());
            var sum = weights.Sum();
            for (var i = 0; i < parts.Length; i++)
            {
                Assert.Equal(parts[i], Math.Round(parts[i], 2)); // whole cents
                var exact = sum > 0 ? total * weights[i] / sum : total / parts.Length;
                Assert.InRange(parts[i] - exact, -0.01m, 0.01m);
            }
        }
    }

    [Fact]
    public void Allocate_GivesTheCentsLeftToTheLargestRemainders()
    {
        // 0.0875 and 0.0625 are 0.15: 0.08 and 0.06 leave a cent for the larger remainder.
        Assert.Equal([0.09m, 0.06m], Money.Allocate(0.15m, [0.0875m, 0.0625m]));
        // Three even shares of 1.00: the first takes the cent.
        Assert.Equal([0.34m, 0.33m, 0.33m], Money.Allocate(1.00m, [1m, 1m, 1m]));
        // No weight at all: an even split.
        Assert.Equal([0.50m, 0.50m], Money.Allocate(1.00m, [0m, 0m]));
        Assert.Empty(Money.Allocate(1.00m, []));
    }

    [Fact]
    public void AllocateByCounts_SplitsAsTheDecimalAllocationDoes_InWholeNumbers()
    {
        var random = new Random(11);
        for (var round = 0; round < 3_000; round++)
        {
            var weights = Enumerable.Range(0, random.Next(1, 60)).Select(_ => random.Next(4) == 0 ? 0L : random.Next(0, 5_000)).ToArray();
            var total = Money.Round((decimal)random.Next(0, 10_000_000) / 100);
            var parts = Money.AllocateByCounts(total, weights);

            Assert.Equal(total, parts.Sum());
            Assert.Equal(Money.Allocate(total, [.. weights.Select(w => (decimal)w)]), parts);
        }
    }

    [Fact]
    public void AllocateByCounts_GivesTheCentsLeftToTheLargestRemainders_EarlierFirstOnATie()
    {
        // 7 cents over 1:1:1: two each, and the first takes the cent left.
        Assert.Equal([0.03m, 0.02m, 0.02m], Money.AllocateByCounts(0.07m, [1, 1, 1]));
        // 10 cents by 1:2:3 (1.67, 3.33, 5): the first has the larger remainder.
        Assert.Equal([0.02m, 0.03m, 0.05m], Money.AllocateByCounts(0.10m, [1, 2, 3]));
        // No weight at all: an even split; no parts: nothing.
        Assert.Equal([0.50m, 0.50m], Money.AllocateByCounts(1.00m, [0, 0]));
        Assert.Empty(Money.AllocateByCounts(1.00m, []));
        // Weights whose product with the cents passes 2^63 are still exact.
        Assert.Equal([50_000_000.00m, 50_000_000.00m], Money.AllocateByCounts(100_000_000.00m, [long.MaxValue / 2, (long.MaxValue / 2) - 3]));
    }

    [Theory]
    [InlineData("cpm", 12.5, 1_000, 0, 12.5)]
    [InlineData("cpm", 0.75, 3, 0, 0.00225)]
    [InlineData("cpc", 0.35, 1_000, 7, 2.45)]
    [InlineData("flat", 500, 1_000, 7, 0)]
    public void Exact_PricesCountsAtTheRate(string model, double amount, long impressions, long clicks, double expected)
    {
        var rate = new CampaignRate { Model = model, Amount = (decimal)amount, Currency = "MYR" };
        Assert.Equal((decimal)expected, Money.Exact(rate, impressions, clicks));
        Assert.Equal(0m, Money.Exact(null, impressions, clicks));
    }

    [Fact]
    public void GoalUnits_ConvertsASpendGoalAtTheRate_RoundingUp()
    {
        static Campaign With(CampaignGoal goal, CampaignRate? rate = null) => new() { Goal = goal, Rate = rate };
        var cpm = new CampaignRate { Model = "cpm", Amount = 12.5m, Currency = "MYR" };
        var cpc = new CampaignRate { Model = "cpc", Amount = 0.35m, Currency = "MYR" };

        Assert.Equal((GoalMetric.Impressions, 500L), Money.GoalUnits(With(new CampaignGoal { Impressions = 500 })));
        Assert.Equal((GoalMetric.Clicks, 40L), Money.GoalUnits(With(new CampaignGoal { Clicks = 40 })));
        Assert.Equal((GoalMetric.Impressions, 8_000L), Money.GoalUnits(With(new CampaignGoal { Spend = 100m }, cpm)));
        Assert.Equal((GoalMetric.Impressions, 8_001L), Money.GoalUnits(With(new CampaignGoal { Spend = 100.01m }, cpm)));
        Assert.Equal((GoalMetric.Clicks, 286L), Money.GoalUnits(With(new CampaignGoal { Spend = 100m }, cpc))); // 285.7…
        Assert.Equal((GoalMetric.Impressions, 0L), Money.GoalUnits(new Campaign()));
    }

    [Fact]
    public void FlatDays_SpreadTheAmountOverTheLocalDaysOfTheFlight()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur");
        var (first, perDay) = Money.FlatDays(1000m, new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero), zone);

        Assert.Equal(new DateOnly(2026, 11, 1), first);
        Assert.Equal(62, perDay.Length); // the flight ends at 07:59:59 on 1 January in Kuala Lumpur
        Assert.Equal(1000m, perDay.Sum());
        Assert.Equal(56, perDay.Count(d => d == 16.13m));
        Assert.Equal(6, perDay.Count(d => d == 16.12m));
    }

    [Theory]
    [InlineData("MYR", true)]
    [InlineData("USD", true)]
    [InlineData("myr", false)]
    [InlineData("MY", false)]
    [InlineData("MYRS", false)]
    [InlineData(null, false)]
    public void IsCurrencyCode_ThreeCapitalLetters(string? code, bool valid) => Assert.Equal(valid, Money.IsCurrencyCode(code));
}
