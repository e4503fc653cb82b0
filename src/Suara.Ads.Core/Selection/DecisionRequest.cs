using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Selection;

/// <summary>A page asking for ads: the engine's input.</summary>
public sealed class DecisionRequest
{
    /// <summary>The site id.</summary>
    public required string Site { get; init; }

    /// <summary>The slots, in page order: earlier slots are filled first.</summary>
    public required IReadOnlyList<SlotRequest> Slots { get; init; }

    /// <summary>Opaque first-party viewer id; none means frequency caps cannot apply.</summary>
    public string? UserId { get; init; }

    /// <summary>
    /// The page and viewer facts targeting reads. The engine sets <see cref="TargetingContext.Site"/>,
    /// <see cref="TargetingContext.Placement"/>, <see cref="TargetingContext.Hour"/> and
    /// <see cref="TargetingContext.Weekday"/> itself.
    /// </summary>
    public required TargetingContext Context { get; init; }

    /// <summary>
    /// What earlier requests of the same page view put on the page (lazy, single-page-app and refreshed slots): each a
    /// campaign id, or <c>campaignId/creativeId</c>. Exclusion labels hold against those campaigns, and a creative named
    /// is not shown again. Ids the catalog no longer has are ignored.
    /// </summary>
    public IReadOnlyList<string>? Shown { get; init; }

    /// <summary>Whether the request's User-Agent is a known crawler or bot (set by whoever maps the request).</summary>
    public bool FromBot { get; init; }
}
