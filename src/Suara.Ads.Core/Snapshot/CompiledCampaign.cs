using Suara.Ads.Core.Billing;
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
            (GoalMetric, GoalUnits) = Money.GoalUnits(source);
            GoalPeriod = goal.Per == "day" ? GoalPeriod.Day : GoalPeriod.Flight;
        }

        if (source.Rate is { } rate)
        {
            RateModel = CatalogNames.ParseRateModel(rate.Model);
        }

        if (source.FrequencyCap is { } cap)
        {
            CapImpressions = cap.Impressions;
            CapPeriod = CatalogNames.ParseCapPeriod(cap.Per);
        }
    }

    /// <summary>Identifies the campaign on a page: unique within a snapshot (<see cref="CatalogSnapshot.NextCampaignIndex"/>).</summary>
    public int Index { get; }

    public Campaign Source { get; }

    public string Id => Source.Id;

    public string AdvertiserId => Source.AdvertiserId;

    public CampaignStatus Status { get; }

    public PriorityTier Tier { get; }

    /// <summary>Whether the campaign fills every requested slot it lists, or none (<see cref="Campaign.Roadblock"/>).</summary>
    public bool Roadblock => Source.Roadblock;

    /// <summary>Copied from the source so the hot path does not reach into the catalog record.</summary>
    public int Weight { get; }

    public TargetingRule Rule { get; }

    /// <summary>Interned exclusion-label ids (positions in <see cref="CatalogSnapshot.Labels"/>).</summary>
    public int[] LabelIds { get; }

    public long StartUtcTicks { get; }

    /// <summary>End of flight; the contract's end is inclusive to the second, so a campaign serves while now &lt;= end.</summary>
    public long EndUtcTicks { get; }

    /// <summary>Goal in units of <see cref="GoalMetric"/> (a spend goal converted at the rate), 0 when none.</summary>
    public long GoalUnits { get; }

    /// <summary>What the goal counts: impressions (held from the decision on) or clicks.</summary>
    public GoalMetric GoalMetric { get; }

    /// <summary>Whether the campaign's goal is held against by its decisions: a goal of impressions (or cpm spend).</summary>
    public bool HoldsDelivery => GoalUnits > 0 && GoalMetric == GoalMetric.Impressions;

    /// <summary>The rate's model; <c>null</c> without a rate.</summary>
    public RateModel? RateModel { get; }

    public GoalPeriod GoalPeriod { get; }

    public PacingMode Pacing { get; }

    /// <summary>Frequency cap, 0 when none.</summary>
    public int CapImpressions { get; }

    public CapPeriod CapPeriod { get; }

    public CompiledCreative[] Creatives { get; internal set; } = [];

    public bool InFlight(long nowUtcTicks) => nowUtcTicks >= StartUtcTicks && nowUtcTicks <= EndUtcTicks;
}
