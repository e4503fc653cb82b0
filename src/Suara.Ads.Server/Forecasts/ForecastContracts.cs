using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Server.Forecasts;

/// <summary><c>POST /v1/admin/forecasts</c>: a campaign (new, or an existing one with changes) and the days to forecast.</summary>
internal sealed record ForecastRequest
{
    /// <summary>The campaign as the admin API takes it, with its <c>id</c>: an id in the catalog forecasts that campaign changed.</summary>
    public Campaign? Campaign { get; set; }

    /// <summary>First day (site-local), inclusive.</summary>
    public DateOnly? From { get; set; }

    /// <summary>Last day (site-local), inclusive.</summary>
    public DateOnly? To { get; set; }
}

/// <summary>The forecast, in impressions (counted impression beacons) over the range.</summary>
internal sealed record ForecastResponse
{
    public required string CampaignId { get; init; }

    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    /// <summary>Impressions whose requests the campaign's placements and targeting match.</summary>
    public required long Matched { get; init; }

    /// <summary>Of those, the impressions the campaign would win against the catalog in force.</summary>
    public required long Available { get; init; }

    /// <summary>Who takes the rest of the matched impressions, and how many: most first.</summary>
    public required IReadOnlyList<ContendedImpressions> ContendedWith { get; init; }

    /// <summary>The same per site-local day.</summary>
    public required IReadOnlyList<ForecastDayResponse> Days { get; init; }

    /// <summary>What the forecast was projected from.</summary>
    public required ForecastBasis Basis { get; init; }
}

/// <summary>A campaign that takes matched impressions from the forecast one.</summary>
internal sealed record ContendedImpressions
{
    public required string CampaignId { get; init; }

    public required long Impressions { get; init; }
}

/// <summary>One day of a forecast.</summary>
internal sealed record ForecastDayResponse
{
    public required DateOnly Date { get; init; }

    public required long Matched { get; init; }

    public required long Available { get; init; }
}

/// <summary>The recorded traffic a forecast was projected from.</summary>
internal sealed record ForecastBasis
{
    /// <summary>The time zone of the days (the site of the campaign's first placement).</summary>
    public required string TimeZone { get; init; }

    /// <summary>Site-days of the sample replayed.</summary>
    public required int RecordedDays { get; init; }

    /// <summary>The first and last recorded day replayed.</summary>
    public DateOnly? FirstDay { get; init; }

    public DateOnly? LastDay { get; init; }

    /// <summary>Sampled requests in those days.</summary>
    public required long SampledRequests { get; init; }

    /// <summary>All valid decision requests of those days, which the sample stands for.</summary>
    public required long Requests { get; init; }

    /// <summary>Share of filled slots that became counted impressions in those days.</summary>
    public required double ImpressionShare { get; init; }

    /// <summary>Sampled requests decided by the replay (with the days before the range that warm delivery up).</summary>
    public required long Replayed { get; init; }
}
