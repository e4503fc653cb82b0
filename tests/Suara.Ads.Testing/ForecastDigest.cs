using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Suara.Ads.Core.Forecasting;

namespace Suara.Ads.Testing;

/// <summary>
/// Every figure of a forecast, one a line in round-trip form, and their hash: two replays forecast the same exactly when
/// their digests are equal. The pinned replay test and the benchmarks' <c>--forecast</c> command print it.
/// </summary>
public static class ForecastDigest
{
    /// <summary>The figures of <paramref name="outcome"/>, one a line.</summary>
    public static string Describe(ForecastOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"replayed {outcome.Replayed}\n");
        foreach (var day in outcome.Days)
        {
            text.Append(CultureInfo.InvariantCulture, $"{day.Date:yyyy-MM-dd} matched {day.Matched:R} available {day.Available:R}\n");
        }

        foreach (var (id, impressions) in outcome.ContendedWith)
        {
            text.Append(CultureInfo.InvariantCulture, $"contended {id} {impressions:R}\n");
        }

        foreach (var (id, impressions) in outcome.Delivered.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"delivered {id} {impressions:R}\n");
        }

        return text.ToString();
    }

    /// <summary>The SHA-256 of <see cref="Describe"/>, in hex.</summary>
    public static string Of(ForecastOutcome outcome) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Describe(outcome))));
}
