using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Selection;

/// <summary>How a page is decided again because of a roadblock (made only then: the usual decision has none).</summary>
internal sealed class RoadblockPlan
{
    /// <summary>The roadblock that takes every requested slot it lists.</summary>
    public CompiledCampaign? Forced { get; init; }

    /// <summary>Roadblocks that could not fill every slot they list, with why: candidates nowhere on this page.</summary>
    public (CompiledCampaign Campaign, string Reason)[] Excluded { get; init; } = [];

    /// <summary>Why <paramref name="campaign"/> is left out of this page, or <c>null</c> when it is not.</summary>
    public string? ReasonExcluded(CompiledCampaign campaign)
    {
        foreach (var (excluded, reason) in Excluded)
        {
            if (excluded == campaign)
            {
                return reason;
            }
        }

        return null;
    }
}
