using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Core.Selection;

/// <summary>The engine's answer for one page.</summary>
public sealed class DecisionResult
{
    internal DecisionResult(SlotDecision?[] slots, SlotExplanation[]? explanations, DateTime siteLocalTime, int siteDay, ValidationErrors? errors = null)
    {
        Errors = errors;
        Slots = slots;
        Explanations = explanations;
        SiteLocalTime = siteLocalTime;
        SiteDay = siteDay;
    }

    /// <summary>One entry per requested slot, in request order; <c>null</c> is a no-fill.</summary>
    public IReadOnlyList<SlotDecision?> Slots { get; }

    /// <summary>Per-slot candidate traces, when asked for.</summary>
    public IReadOnlyList<SlotExplanation>? Explanations { get; }

    /// <summary>The decision time in the site's time zone.</summary>
    public DateTime SiteLocalTime { get; }

    /// <summary>
    /// Why some of the request could not be decided against the catalog (unknown site or placement, a placement of
    /// another site, a size the placement lacks, a slot id used twice), by field; <c>null</c> when all of it could.
    /// The slots concerned are no-fills.
    /// </summary>
    public ValidationErrors? Errors { get; }

    /// <summary>The site-local day (days since 0001-01-01), the key of day goals.</summary>
    public int SiteDay { get; }

    /// <summary>The decision's id, set by <see cref="DecisionService"/> (empty for a bare engine call).</summary>
    public Guid DecisionId { get; internal set; }

    /// <summary>The viewer's <see cref="Delivery.ViewerDigest"/>, when the request named a viewer and the decision went through <see cref="DecisionService"/>.</summary>
    public string? Viewer { get; internal set; }

    /// <summary>Why this decision counts as nothing (<see cref="InvalidReason.None"/> when it is valid).</summary>
    public InvalidReason Invalid { get; internal set; }
}
