using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Forecasting;

/// <summary>What a replay forecasts, in impressions of all traffic.</summary>
public sealed class ForecastOutcome
{
    private ForecastOutcome(IReadOnlyList<ForecastDayOutcome> days, IReadOnlyList<KeyValuePair<string, double>> contended, IReadOnlyDictionary<string, double> delivered, long replayed)
    {
        Days = days;
        ContendedWith = contended;
        Delivered = delivered;
        Replayed = replayed;
    }

    /// <summary>The reported days, in order.</summary>
    public IReadOnlyList<ForecastDayOutcome> Days { get; }

    /// <summary>Impressions whose requests the draft's placements and targeting match.</summary>
    public double Matched => Days.Sum(d => d.Matched);

    /// <summary>Of those, the impressions the draft wins.</summary>
    public double Available => Days.Sum(d => d.Available);

    /// <summary>Who takes the rest of the matched impressions, most first.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> ContendedWith { get; }

    /// <summary>Every campaign's forecast impressions over the reported days.</summary>
    public IReadOnlyDictionary<string, double> Delivered { get; }

    /// <summary>Sampled requests replayed (all days, warm-up included).</summary>
    public long Replayed { get; }

    internal static ForecastOutcome Combine(CatalogSnapshot snapshot, IReadOnlyList<ForecastDay> days, ForecastReplay.ShardResult[] shards)
    {
        var reported = new List<ForecastDayOutcome>();
        for (var d = 0; d < days.Count; d++)
        {
            if (days[d].Reported)
            {
                reported.Add(new ForecastDayOutcome(days[d].Date, shards.Sum(s => s.Matched[d]), shards.Sum(s => s.Available[d])));
            }
        }

        var contended = new List<KeyValuePair<string, double>>();
        var delivered = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var campaign in snapshot.Campaigns)
        {
            var taken = shards.Sum(s => s.Contended[campaign.Index]);
            if (taken > 0)
            {
                contended.Add(new(campaign.Id, taken));
            }

            delivered[campaign.Id] = shards.Sum(s => s.Delivered[campaign.Index]);
        }

        contended.Sort(static (a, b) => b.Value.CompareTo(a.Value) is var order and not 0 ? order : string.CompareOrdinal(a.Key, b.Key));
        return new ForecastOutcome(reported, contended, delivered, shards.Sum(s => s.Replayed));
    }
}

/// <summary>One reported day of a forecast.</summary>
/// <param name="Date">The site-local day.</param>
/// <param name="Matched">Impressions the draft's placements and targeting match.</param>
/// <param name="Available">Of those, what the draft wins.</param>
public sealed record ForecastDayOutcome(DateOnly Date, double Matched, double Available);
