using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Core.Selection;

/// <summary>The engine's answer for one page.</summary>
public sealed class DecisionResult
{
    internal DecisionResult(SlotDecision?[] slots, SlotExplanation[]? explanations, DateTime siteLocalTime, int siteDay, ValidationErrors? errors = null, string?[]? slotErrors = null)
    {
        Errors = errors;
        SlotErrors = slotErrors;
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
    /// Why the request could not be decided at all (an unknown site), by field; <c>null</c> when it could. Every slot
    /// is then a no-fill.
    /// </summary>
    public ValidationErrors? Errors { get; }

    /// <summary>
    /// Why a slot could not be decided against the catalog (an unknown placement, a placement of another site, a size
    /// the placement lacks, a slot id used by an earlier slot), by slot index; <c>null</c> when every slot could
    /// (allocated only on an error). Those slots are no-fills; the others are decided as usual.
    /// </summary>
    public IReadOnlyList<string?>? SlotErrors { get; }

    /// <summary>Whether slot <paramref name="index"/> could be decided (a no-fill may still be one that could).</summary>
    public bool SlotValid(int index) => SlotErrors is null || SlotErrors[index] is null;

    /// <summary>The site-local day (days since 0001-01-01), the key of day goals.</summary>
    public int SiteDay { get; }

    /// <summary>The decision's id, set by <see cref="DecisionService"/> (empty for a bare engine call).</summary>
    public Guid DecisionId { get; internal set; }

    /// <summary>The viewer's <see cref="Delivery.ViewerDigest"/>, when the request named a viewer and the decision went through <see cref="DecisionService"/>.</summary>
    public string? Viewer { get; internal set; }

    /// <summary>Why this decision counts as nothing (<see cref="InvalidReason.None"/> when it is valid).</summary>
    public InvalidReason Invalid { get; internal set; }
}
