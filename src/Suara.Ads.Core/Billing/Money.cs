using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Core.Billing;

/// <summary>
/// Spend from counted events, in decimal (never binary floating point): a campaign's exact spend, rounded once to the
/// cent, and split over report rows so that the rows add up to the total to the cent (largest remainder).
/// </summary>
public static class Money
{
    /// <summary>Decimal places of reported money (cents).</summary>
    public const int Decimals = 2;

    /// <summary>Decimal places a rate's amount may have.</summary>
    public const int MaxRateDecimals = 6;

    private const decimal Cent = 0.01m;

    /// <summary>Whether <paramref name="code"/> has the form of an ISO 4217 currency code (three capital letters).</summary>
    public static bool IsCurrencyCode(string? code) =>
        code is { Length: 3 } && code[0] is >= 'A' and <= 'Z' && code[1] is >= 'A' and <= 'Z' && code[2] is >= 'A' and <= 'Z';

    /// <summary>Rounds to the cent, halves away from zero (as invoices do).</summary>
    public static decimal Round(decimal amount) => Math.Round(amount, Decimals, MidpointRounding.AwayFromZero);

    /// <summary>The exact (unrounded) spend of counted events at <paramref name="rate"/>; 0 for a flat rate (see <see cref="FlatDays"/>).</summary>
    public static decimal Exact(CampaignRate? rate, long impressions, long clicks) => rate is null ? 0 : CatalogNames.ParseRateModel(rate.Model) switch
    {
        RateModel.Cpm => impressions * rate.Amount / 1000m,
        RateModel.Cpc => clicks * rate.Amount,
        _ => 0,
    };

    /// <summary>
    /// How many units of its goal's metric a campaign must deliver: the goal itself for impressions and clicks; for
    /// spend, the impressions (cpm) or clicks (cpc) whose spend first reaches it. 0 for no goal.
    /// </summary>
    public static (GoalMetric Metric, long Units) GoalUnits(Campaign campaign)
    {
        if (campaign.Goal is not { } goal)
        {
            return (GoalMetric.Impressions, 0);
        }

        if (goal.Clicks is { } clicks)
        {
            return (GoalMetric.Clicks, clicks);
        }

        if (goal.Spend is { } spend && campaign.Rate is { Amount: > 0 } rate)
        {
            return CatalogNames.ParseRateModel(rate.Model) switch
            {
                RateModel.Cpm => (GoalMetric.Impressions, Units(spend * 1000m / rate.Amount)),
                RateModel.Cpc => (GoalMetric.Clicks, Units(spend / rate.Amount)),
                _ => (GoalMetric.Impressions, 0),
            };
        }

        return (GoalMetric.Impressions, goal.Impressions ?? 0);
    }

    private static long Units(decimal value) => value >= long.MaxValue ? long.MaxValue : (long)Math.Ceiling(value);

    /// <summary>
    /// Splits <paramref name="total"/> (whole cents) over shares proportional to <paramref name="weights"/> so that the
    /// parts are whole cents and add up to it exactly: each part is rounded down, and the cents left go to the parts
    /// with the largest remainders (earlier parts first on a tie). With no weight at all, the split is even.
    /// </summary>
    public static decimal[] Allocate(decimal total, IReadOnlyList<decimal> weights)
    {
        var parts = new decimal[weights.Count];
        if (parts.Length == 0)
        {
            return parts;
        }

        var sum = 0m;
        foreach (var w in weights)
        {
            sum += w;
        }

        var remainders = new (decimal Remainder, int Index)[parts.Length];
        var given = 0m;
        for (var i = 0; i < parts.Length; i++)
        {
            var exact = sum > 0 ? total * weights[i] / sum : total / parts.Length;
            parts[i] = Math.Floor(exact / Cent) * Cent;
            given += parts[i];
            remainders[i] = (exact - parts[i], i);
        }

        var cents = (long)Math.Round((total - given) / Cent);
        Array.Sort(remainders, static (a, b) => a.Remainder != b.Remainder ? b.Remainder.CompareTo(a.Remainder) : a.Index.CompareTo(b.Index));
        for (var j = 0; j < cents && j < remainders.Length; j++)
        {
            parts[remainders[j].Index] += Cent;
        }

        return parts;
    }

    /// <summary>
    /// <see cref="Allocate"/> for whole-number weights (impressions, clicks), in whole numbers: <paramref name="total"/>
    /// (whole cents) is split over shares proportional to <paramref name="weights"/>, each rounded down, and the cents
    /// left go to the largest remainders (earlier parts first on a tie); with no weight at all, the split is even. Exact
    /// (the remainders are whole numbers, where decimals round at their 28th digit), and fast enough for a report's
    /// hundreds of thousands of rows: a division and one sort of numbers.
    /// </summary>
    public static decimal[] AllocateByCounts(decimal total, ReadOnlySpan<long> weights)
    {
        var parts = new decimal[weights.Length];
        var n = parts.Length;
        if (n == 0)
        {
            return parts;
        }

        var cents = (long)Math.Round(total / Cent);
        var sum = 0L;
        foreach (var w in weights)
        {
            sum = checked(sum + Math.Max(0, w));
        }

        var given = 0L;
        var remainders = new long[n];
        for (var i = 0; i < n; i++)
        {
            // cents × weight / sum as a whole quotient and remainder (the product can pass 2^63).
            var (part, remainder) = sum > 0 ? Int128.DivRem((Int128)cents * Math.Max(0, weights[i]), sum) : (cents / n, cents % n);
            parts[i] = (long)part;
            remainders[i] = (long)remainder;
            given += (long)part;
        }

        var left = cents - given;
        if (left > 0)
        {
            // Largest remainder first, then the earlier part: one key per part, (largest remainder - remainder, index),
            // sorted as numbers where it fits in 63 bits.
            var largest = sum > 0 ? sum - 1 : n - 1;
            int[] order;
            if (largest < long.MaxValue / n)
            {
                var keys = new long[n];
                for (var i = 0; i < n; i++)
                {
                    keys[i] = ((largest - remainders[i]) * n) + i;
                }

                Array.Sort(keys);
                order = [.. keys.Take((int)Math.Min(left, n)).Select(k => (int)(k % n))];
            }
            else
            {
                order = [.. Enumerable.Range(0, n).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)Math.Min(left, n))];
            }

            foreach (var i in order)
            {
                parts[i]++;
            }
        }

        for (var i = 0; i < n; i++)
        {
            parts[i] *= Cent;
        }

        return parts;
    }

    /// <summary>
    /// A flat rate's amount over its flight: one part per local day of the flight in <paramref name="zone"/>, from the
    /// day it starts to the day it ends, even to the cent (the first days take the cents left over).
    /// </summary>
    public static (DateOnly First, decimal[] PerDay) FlatDays(decimal amount, DateTimeOffset start, DateTimeOffset end, TimeZoneInfo zone)
    {
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(start, zone).DateTime);
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(end, zone).DateTime);
        var days = Math.Max(1, last.DayNumber - first.DayNumber + 1);
        return (first, Allocate(Round(amount), new decimal[days]));
    }
}
