using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Snapshot;

/// <summary>A campaign with everything parsed and compiled that does not depend on the request.</summary>
internal sealed class CompiledCampaign
{
    public CompiledCampaign(int index, Campaign source, TargetingRule rule, int[] labelIds)
    {
        Index = index;
        Source = source;
        Rule = rule;
        LabelIds = labelIds;
        Weight = source.Weight;
        Status = CatalogNames.ParseStatus(source.Status);
        Tier = CatalogNames.ParseTier(source.Priority);
        StartUtcTicks = source.Start?.UtcTicks ?? DateTimeOffset.MinValue.UtcTicks;
        EndUtcTicks = source.End?.UtcTicks ?? DateTimeOffset.MaxValue.UtcTicks;
        Pacing = source.Pacing == "even" ? PacingMode.Even : PacingMode.Asap;
        if (source.Goal is { } goal)
        {
            GoalImpressions = goal.Impressions;
            GoalPeriod = goal.Per == "day" ? GoalPeriod.Day : GoalPeriod.Flight;
        }

        if (source.FrequencyCap is { } cap)
        {
            CapImpressions = cap.Impressions;
            CapPeriod = CatalogNames.ParseCapPeriod(cap.Per);
        }
    }

    /// <summary>Position in <see cref="CatalogSnapshot.Campaigns"/>.</summary>
    public int Index { get; }

    public Campaign Source { get; }

    public string Id => Source.Id;

    public string AdvertiserId => Source.AdvertiserId;

    public CampaignStatus Status { get; }

    public PriorityTier Tier { get; }

    /// <summary>Copied from the source so the hot path does not reach into the catalog record.</summary>
    public int Weight { get; }

    public TargetingRule Rule { get; }

    /// <summary>Interned exclusion-label ids (positions in <see cref="CatalogSnapshot.Labels"/>).</summary>
    public int[] LabelIds { get; }

    public long StartUtcTicks { get; }

    /// <summary>End of flight; the contract's end is inclusive to the second, so a campaign serves while now &lt;= end.</summary>
    public long EndUtcTicks { get; }

    /// <summary>Goal, 0 when none.</summary>
    public long GoalImpressions { get; }

    public GoalPeriod GoalPeriod { get; }

    public PacingMode Pacing { get; }

    /// <summary>Frequency cap, 0 when none.</summary>
    public int CapImpressions { get; }

    public CapPeriod CapPeriod { get; }

    public CompiledCreative[] Creatives { get; internal set; } = [];

    public bool InFlight(long nowUtcTicks) => nowUtcTicks >= StartUtcTicks && nowUtcTicks <= EndUtcTicks;
}
