namespace Suara.Ads.Server.Decisions;

/// <summary>
/// Body of <c>POST /v1/decisions</c>. The request types have setters, not <c>init</c>: the source-generated reader then
/// fills an object as it reads, where init-only properties make it gather every value first and call a constructor
/// (its slowest path, with state allocated per object; measured on the decision path).
/// </summary>
public sealed record DecisionRequestBody
{
    /// <summary>Site id.</summary>
    public string? Site { get; set; }

    /// <summary>The page.</summary>
    public PageBody? Page { get; set; }

    /// <summary>Slots to fill, in page order.</summary>
    public IReadOnlyList<SlotBody?>? Slots { get; set; }

    /// <summary>The viewer.</summary>
    public UserBody? User { get; set; }

    /// <summary>Viewer country (ISO 3166-1 alpha-2); overrides the trusted header.</summary>
    public string? Country { get; set; }

    /// <summary>Viewer region; overrides the trusted region header.</summary>
    public string? Region { get; set; }

    /// <summary><c>desktop</c>, <c>mobile</c> or <c>tablet</c>; overrides the User-Agent.</summary>
    public string? Device { get; set; }

    /// <summary>OS family; overrides the User-Agent.</summary>
    public string? Os { get; set; }

    /// <summary>Browser family; overrides the User-Agent.</summary>
    public string? Browser { get; set; }

    /// <summary>Key-values for <c>kv.NAME</c> targeting.</summary>
    public IReadOnlyDictionary<string, string?>? Kv { get; set; }
}

/// <summary>The page part of a decision request.</summary>
public sealed record PageBody
{
    /// <summary>Page URL.</summary>
    public string? Url { get; set; }

    /// <summary>Section.</summary>
    public string? Section { get; set; }

    /// <summary>Keywords.</summary>
    public IReadOnlyList<string?>? Keywords { get; set; }

    /// <summary>Language.</summary>
    public string? Language { get; set; }

    /// <summary>Referring page URL.</summary>
    public string? Referrer { get; set; }

    /// <summary>Campaigns already on this page view from earlier requests: <c>campaignId</c> or <c>campaignId/creativeId</c>.</summary>
    public IReadOnlyList<string?>? Shown { get; set; }
}

/// <summary>One slot of a decision request.</summary>
public sealed record SlotBody
{
    /// <summary>The page's id for the slot.</summary>
    public string? Id { get; set; }

    /// <summary>Placement id.</summary>
    public string? Placement { get; set; }

    /// <summary>Optional: the sizes the slot accepts now (<c>WIDTHxHEIGHT</c>), a subset of the placement's; none means all.</summary>
    public IReadOnlyList<string?>? Sizes { get; set; }

    /// <summary>Key-values of this slot, over the page's.</summary>
    public IReadOnlyDictionary<string, string?>? Kv { get; set; }
}

/// <summary>The viewer of a decision request.</summary>
public sealed record UserBody
{
    /// <summary>Opaque first-party id.</summary>
    public string? Id { get; set; }
}

/// <summary>Response of <c>POST /v1/decisions</c>.</summary>
public sealed record DecisionResponse
{
    /// <summary>Id of this decision.</summary>
    public required string DecisionId { get; init; }

    /// <summary>Slot id to the ad chosen, or <c>null</c> for a no-fill; in request order.</summary>
    public required IDictionary<string, SlotResponse?> Slots { get; init; }

    /// <summary>With <c>?explain=true</c>: slot id to every candidate considered and its fate.</summary>
    public IDictionary<string, IReadOnlyList<CandidateResponse>>? Explain { get; init; }

    /// <summary>Slots that could not be decided (they are <c>null</c> in <see cref="Slots"/>), by slot id, with the reason; absent when none.</summary>
    public IDictionary<string, string>? Errors { get; init; }
}

/// <summary>The ad chosen for a slot.</summary>
public sealed record SlotResponse
{
    /// <summary>Campaign id.</summary>
    public required string CampaignId { get; init; }

    /// <summary>Creative id.</summary>
    public required string CreativeId { get; init; }

    /// <summary><c>image</c>, <c>html</c> or <c>text</c>.</summary>
    public required string Format { get; init; }

    /// <summary>Width in CSS pixels.</summary>
    public required int Width { get; init; }

    /// <summary>Height in CSS pixels.</summary>
    public required int Height { get; init; }

    /// <summary>Ready-to-insert markup.</summary>
    public required string Html { get; init; }

    /// <summary>Impression beacon.</summary>
    public required string ImpressionUrl { get; init; }

    /// <summary>Viewable-impression beacon.</summary>
    public required string ViewableUrl { get; init; }

    /// <summary>Tracked click URL, redirecting to the creative's landing page.</summary>
    public required string ClickUrl { get; init; }
}

/// <summary>One candidate in explain output.</summary>
public sealed record CandidateResponse
{
    /// <summary>Campaign id.</summary>
    public required string CampaignId { get; init; }

    /// <summary>Creative chosen, for the selected candidate.</summary>
    public string? CreativeId { get; init; }

    /// <summary>Priority tier.</summary>
    public required string Priority { get; init; }

    /// <summary>What happened: selected, outweighed, lowerTier, inactive, outOfFlight, noFittingCreative, targeting, goalReached, paced, capped, excluded, duplicateCreative.</summary>
    public required string Outcome { get; init; }

    /// <summary>Why.</summary>
    public string? Detail { get; init; }
}
