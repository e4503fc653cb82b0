namespace Suara.Ads.Core.Catalog;

/// <summary>A campaign as the admin API and catalog documents carry it.</summary>
/// <remarks>
/// Enumerated values (<see cref="Status"/>, <see cref="Priority"/>, <see cref="Pacing"/>, …) are kept as
/// strings so that a wrong value is reported by <see cref="CatalogValidator"/> against its field instead of
/// failing deserialization as a whole. The snapshot builder turns them into enums.
/// Properties with a default are <c>set</c>, not <c>init</c>: System.Text.Json's source generator passes every
/// init-only property through the object initializer, so a member missing from the JSON would overwrite its default
/// with null or 0 (dotnet/runtime#84484) and an admin PUT that omits an optional field would be refused. Treat
/// instances as immutable all the same: the catalog never changes one after it is read. The others are <c>set</c> too:
/// with any init-only property the generated reader buffers every value (boxed) until the object can be made, which at
/// 100k campaigns and 250k creatives per load was about a tenth of the load's garbage.
/// </remarks>
public sealed record Campaign
{
    /// <summary>The campaign id.</summary>
    public string Id { get; set; } = "";

    /// <summary>The owning advertiser's id.</summary>
    public string AdvertiserId { get; set; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; set; } = "";

    /// <summary><c>active</c>, <c>paused</c> or <c>archived</c>. Only active campaigns serve.</summary>
    public string Status { get; set; } = "active";

    /// <summary>Start of the flight (inclusive); none means it has always started.</summary>
    public DateTimeOffset? Start { get; set; }

    /// <summary>End of the flight (inclusive, to the second); none means open-ended.</summary>
    public DateTimeOffset? End { get; set; }

    /// <summary><c>sponsorship</c>, <c>standard</c> or <c>house</c>.</summary>
    public string Priority { get; set; } = "standard";

    /// <summary>Relative weight within its tier, 1 to 1,000,000.</summary>
    public int Weight { get; set; } = 100;

    /// <summary>Optional delivery goal.</summary>
    public CampaignGoal? Goal { get; set; }

    /// <summary>Optional price: what the advertiser pays (docs/reports.md, "Spend").</summary>
    public CampaignRate? Rate { get; set; }

    /// <summary><c>even</c> or <c>asap</c>.</summary>
    public string Pacing { get; set; } = "asap";

    /// <summary>Optional per-viewer frequency cap.</summary>
    public FrequencyCap? FrequencyCap { get; set; }

    /// <summary>Labels of which at most one campaign may appear on a page.</summary>
    public IReadOnlyList<string> ExclusionLabels { get; set; } = [];

    /// <summary>Ids of the placements the campaign may serve in.</summary>
    public IReadOnlyList<string> Placements { get; set; } = [];

    /// <summary>Optional targeting rule in the targeting language; none matches everyone.</summary>
    public string? Targeting { get; set; }

    /// <summary>The creatives.</summary>
    public IReadOnlyList<Creative> Creatives { get; set; } = [];

    /// <summary>
    /// A roadblock: on one decision the campaign fills every requested slot whose placement it lists, or none of them
    /// (docs/selection.md, "Roadblocks").
    /// </summary>
    public bool Roadblock { get; set; }
}

/// <summary>A delivery goal.</summary>
/// <remarks>
/// Properties with a default are <c>set</c>, not <c>init</c>: System.Text.Json's source generator passes every
/// init-only property through the object initializer, so a member missing from the JSON would overwrite its default
/// with null or 0 (dotnet/runtime#84484) and an admin PUT that omits an optional field would be refused. Treat
/// instances as immutable all the same: the catalog never changes one after it is read. The others are <c>set</c> too:
/// with any init-only property the generated reader buffers every value (boxed) until the object can be made, which at
/// 100k campaigns and 250k creatives per load was about a tenth of the load's garbage.
/// </remarks>
public sealed record CampaignGoal
{
    /// <summary>Number of impressions to deliver (one of <see cref="Impressions"/>, <see cref="Clicks"/>, <see cref="Spend"/>).</summary>
    public long? Impressions { get; set; }

    /// <summary>Number of clicks to deliver.</summary>
    public long? Clicks { get; set; }

    /// <summary>Spend to deliver, in the currency of the campaign's <see cref="Campaign.Rate"/> (a cpm or cpc rate).</summary>
    public decimal? Spend { get; set; }

    /// <summary><c>flight</c> or <c>day</c> (a day in the site's time zone).</summary>
    public string Per { get; set; } = "flight";
}

/// <summary>A per-viewer frequency cap.</summary>
/// <remarks>
/// Properties with a default are <c>set</c>, not <c>init</c>: System.Text.Json's source generator passes every
/// init-only property through the object initializer, so a member missing from the JSON would overwrite its default
/// with null or 0 (dotnet/runtime#84484) and an admin PUT that omits an optional field would be refused. Treat
/// instances as immutable all the same: the catalog never changes one after it is read.
/// </remarks>
public sealed record FrequencyCap
{
    /// <summary>Most impressions a viewer may get in one period.</summary>
    public int Impressions { get; set; }

    /// <summary><c>hour</c>, <c>day</c>, <c>week</c> or <c>flight</c>.</summary>
    public string Per { get; set; } = "day";
}

/// <summary>A campaign's price.</summary>
/// <remarks>
/// Properties with a default are <c>set</c>, not <c>init</c> (see <see cref="CampaignGoal"/>). Amounts are decimals, never
/// binary floating point: spend is exact to the cent.
/// </remarks>
public sealed record CampaignRate
{
    /// <summary><c>cpm</c> (per thousand impressions), <c>cpc</c> (per click) or <c>flat</c> (the whole flight, spread evenly over its days).</summary>
    public string Model { get; set; } = "";

    /// <summary>The price, in <see cref="Currency"/>, with at most 6 decimal places.</summary>
    public decimal Amount { get; set; }

    /// <summary>ISO 4217 code, three capital letters, e.g. <c>MYR</c>.</summary>
    public string Currency { get; set; } = "";
}
