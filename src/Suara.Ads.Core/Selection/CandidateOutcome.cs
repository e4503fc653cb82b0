namespace Suara.Ads.Core.Selection;

/// <summary>Why a candidate did or did not serve in a slot (explain output).</summary>
public enum CandidateOutcome
{
    /// <summary>Chosen for the slot.</summary>
    Selected,
    /// <summary>Eligible, but another candidate of its tier won the weighted draw.</summary>
    Outweighed,
    /// <summary>Eligible, but a higher priority tier had a candidate.</summary>
    LowerTier,
    /// <summary>Not active (paused or archived).</summary>
    Inactive,
    /// <summary>Before its start or after its end.</summary>
    OutOfFlight,
    /// <summary>None of its creatives fits the placement's sizes and formats.</summary>
    NoFittingCreative,
    /// <summary>Its targeting rule does not match; the detail names the failing clause.</summary>
    Targeting,
    /// <summary>Its goal for the flight or the day is delivered.</summary>
    GoalReached,
    /// <summary>It has a goal and its delivered totals are not loaded yet (just after a start, or a campaign just added): it waits rather than serve on a stale count.</summary>
    DeliveryUnknown,
    /// <summary>Even pacing holds it back: it is ahead of schedule.</summary>
    Paced,
    /// <summary>The viewer has reached its frequency cap.</summary>
    Capped,
    /// <summary>A campaign already on the page shares one of its exclusion labels.</summary>
    Excluded,
    /// <summary>Every fitting creative is already on the page.</summary>
    DuplicateCreative,
    /// <summary>A roadblock that cannot fill every requested slot it lists, so it fills none; the detail says which slot and why.</summary>
    RoadblockIncomplete,
    /// <summary>Eligible, but a roadblock takes every slot it lists on this page.</summary>
    Roadblocked,
}
