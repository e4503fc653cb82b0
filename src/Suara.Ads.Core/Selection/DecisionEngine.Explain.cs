using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Selection;

/// <summary>Explain: every candidate of a slot is checked and traced, then the draw is made as the fast path makes it.</summary>
public sealed partial class DecisionEngine
{
    private CompiledCreative? ExplainSlot(CompiledPlacement placement, SlotRequest slot, ref PageState page, in Evaluation eval, List<CandidateTrace> traces, RoadblockPlan? plan = null)
    {
        var outcomes = new CandidateOutcome[placement.All.Count];
        var bestTier = int.MaxValue;
        for (var i = 0; i < placement.All.Count; i++)
        {
            var entry = placement.All[i];
            string? detail;
            if (plan?.ReasonExcluded(entry.Campaign) is { } excluded)
            {
                outcomes[i] = CandidateOutcome.RoadblockIncomplete;
                detail = "a roadblock that " + excluded + ", so it fills none";
            }
            else
            {
                outcomes[i] = EligibilityRules.Check(entry, slot, ref page, in eval, out detail, wantDetail: true);
            }

            if (outcomes[i] == CandidateOutcome.Selected)
            {
                bestTier = Math.Min(bestTier, (int)entry.Campaign.Tier);
            }

            traces.Add(new CandidateTrace(entry.Campaign.Id, null, entry.Campaign.Tier.Name(), outcomes[i], detail));
        }

        if (bestTier == int.MaxValue)
        {
            return null;
        }

        var candidates = new List<PlacementEntry>();
        long total = 0;
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] == CandidateOutcome.Selected && (int)placement.All[i].Campaign.Tier == bestTier)
            {
                candidates.Add(placement.All[i]);
                total += placement.All[i].Campaign.Weight;
            }
        }

        var winner = candidates.Count == 1 ? candidates[0] : Draw(candidates.ToArray(), total);
        var creative = PickCreative(winner, slot, ref page);
        for (var i = 0; i < outcomes.Length; i++)
        {
            if (outcomes[i] != CandidateOutcome.Selected)
            {
                continue;
            }

            var entry = placement.All[i];
            traces[i] = entry == winner
                ? traces[i] with { CreativeId = creative.Id }
                : traces[i] with
                {
                    Outcome = (int)entry.Campaign.Tier == bestTier ? CandidateOutcome.Outweighed : CandidateOutcome.LowerTier,
                    Detail = (int)entry.Campaign.Tier == bestTier
                        ? $"{winner.Campaign.Id} won the weighted draw"
                        : $"a {((PriorityTier)bestTier).Name()} campaign takes precedence",
                };
        }

        return creative;
    }
}
