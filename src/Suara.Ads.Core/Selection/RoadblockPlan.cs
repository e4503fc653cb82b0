using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Selection;

/// <summary>
/// What a decision has learnt about its roadblocks (made only once a roadblock wins a slot: a page without one never
/// allocates it): which it has checked, which cannot fill every slot they list (with why: they are candidates nowhere
/// on this page), and, for a pass that forces one, which.
/// </summary>
internal sealed class RoadblockPlan
{
    private readonly List<CompiledCampaign> _vetted = [];
    private readonly List<(CompiledCampaign Campaign, string Reason)> _excluded = [];

    /// <summary>The roadblock that takes every requested slot it lists.</summary>
    public CompiledCampaign? Forced { get; init; }

    /// <summary>A plan that forces <paramref name="roadblock"/>, keeping what this one learnt.</summary>
    public RoadblockPlan Forcing(CompiledCampaign roadblock)
    {
        var plan = new RoadblockPlan { Forced = roadblock };
        plan._vetted.AddRange(_vetted);
        plan._excluded.AddRange(_excluded);
        return plan;
    }

    /// <summary>A plan without any forced roadblock, keeping what this one learnt.</summary>
    public RoadblockPlan Unforced()
    {
        var plan = new RoadblockPlan();
        plan._vetted.AddRange(_vetted);
        plan._excluded.AddRange(_excluded);
        return plan;
    }

    /// <summary>Marks <paramref name="roadblock"/> checked; <c>false</c> when it already was.</summary>
    public bool Vet(CompiledCampaign roadblock)
    {
        if (_vetted.Contains(roadblock))
        {
            return false;
        }

        _vetted.Add(roadblock);
        return true;
    }

    /// <summary>Leaves <paramref name="roadblock"/> out of the page, for <paramref name="reason"/>.</summary>
    public void Exclude(CompiledCampaign roadblock, string reason)
    {
        Vet(roadblock);
        _excluded.Add((roadblock, reason));
    }

    /// <summary>Why <paramref name="campaign"/> is left out of this page, or <c>null</c> when it is not.</summary>
    public string? ReasonExcluded(CompiledCampaign campaign)
    {
        foreach (var (excluded, reason) in _excluded)
        {
            if (excluded == campaign)
            {
                return reason;
            }
        }

        return null;
    }
}
