using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Selection;

/// <summary>Choosing within a placement: the best tier with an eligible candidate, a weighted draw, a creative.</summary>
public sealed partial class DecisionEngine
{
    /// <summary>Tiers with fewer candidates for the request than this are scanned; larger ones are sampled first.</summary>
    private const int SampleThreshold = 32;

    /// <summary>Draws rejected in a row before falling back to a scan of the tier.</summary>
    private const int MaxRejections = 8;

    /// <summary>Most candidate lists a tier can offer one request: the unkeyed list plus one per indexable field.</summary>
    private const int MaxLists = 16;

    [ThreadStatic]
    private static PlacementEntry[]? t_scratch;

    [ThreadStatic]
    private static CandidateList[]? t_lists;

    private CompiledCreative? DecideSlot(CompiledPlacement placement, SlotRequest slot, ref PageState page, in Evaluation eval, RoadblockPlan? plan = null)
    {
        var lists = t_lists ??= new CandidateList[MaxLists];
        for (var t = 0; t < placement.Tiers.Length; t++)
        {
            var tier = placement.Tiers[t];
            if (tier.Count == 0)
            {
                continue;
            }

            var (count, candidates) = GatherLists(tier, eval.Context, lists);
            try
            {
                // Large tier: draw by weight among the request's candidates and check only what is drawn.
                if (candidates >= SampleThreshold && TrySample(lists.AsSpan(0, count), slot, ref page, in eval, plan) is { } sampled)
                {
                    return PickCreative(sampled, slot, ref page);
                }

                if (ScanAndDraw(lists.AsSpan(0, count), candidates, slot, ref page, in eval, plan) is { } winner)
                {
                    return PickCreative(winner, slot, ref page);
                }
            }
            finally
            {
                // Do not keep a retired snapshot's lists alive from a pool thread.
                Array.Clear(lists, 0, count);
            }
        }

        return null;
    }

    /// <summary>
    /// The tier's candidate lists for this request: the unkeyed list, and for each keyed field the list of the
    /// context's value. They are disjoint, as each campaign is filed under one field.
    /// </summary>
    private static (int Count, int Candidates) GatherLists(TierIndex tier, TargetingContext context, CandidateList[] lists)
    {
        var count = 0;
        var candidates = 0;
        if (tier.Unkeyed.Count > 0)
        {
            lists[count++] = tier.Unkeyed;
            candidates += tier.Unkeyed.Count;
        }

        foreach (var field in tier.Fields)
        {
            if (field.ByValue.TryGetValue(context.GetString(field.Field), out var list) && list.Count > 0)
            {
                lists[count++] = list;
                candidates += list.Count;
            }
        }

        return (count, candidates);
    }

    /// <summary>
    /// Rejection sampling: draw a candidate in proportion to its weight, return it if eligible, else draw again.
    /// The accepted candidate is distributed exactly as a weighted draw among the eligible ones, so this is the
    /// scan-then-draw rule with about (total weight / eligible weight) checks instead of one per candidate.
    /// <c>null</c> after <see cref="MaxRejections"/> misses (few or no eligible candidates): the caller then scans,
    /// which keeps the distribution exact and decides whether the tier has any candidate at all.
    /// </summary>
    private PlacementEntry? TrySample(ReadOnlySpan<CandidateList> lists, SlotRequest slot, ref PageState page, in Evaluation eval, RoadblockPlan? plan)
    {
        long total = 0;
        foreach (var list in lists)
        {
            total += list.TotalWeight - (plan is null ? 0 : ExcludedWeight(list, plan));
        }

        for (var attempt = 0; attempt < MaxRejections && total > 0; attempt++)
        {
            var r = _random.NextInt64(total);
            var b = 0;
            long weight;
            while (r >= (weight = lists[b].TotalWeight - (plan is null ? 0 : ExcludedWeight(lists[b], plan))))
            {
                r -= weight;
                b++;
            }

            // A roadblock left out of this page holds no weight: the draw steps over its share of the list.
            if (plan is not null)
            {
                foreach (var (entry, start) in lists[b].Roadblocks)
                {
                    if (r >= start && plan.ReasonExcluded(entry.Campaign) is not null)
                    {
                        r += entry.Campaign.Weight;
                    }
                }
            }

            var drawn = lists[b].At(r);
            if (EligibilityRules.Check(drawn, slot, ref page, in eval, out _) == CandidateOutcome.Selected)
            {
                return drawn;
            }
        }

        return null;
    }

    /// <summary>The weight of the roadblocks of <paramref name="list"/> that <paramref name="plan"/> leaves out of the page.</summary>
    private static long ExcludedWeight(CandidateList list, RoadblockPlan plan)
    {
        long weight = 0;
        foreach (var (entry, _) in list.Roadblocks)
        {
            if (plan.ReasonExcluded(entry.Campaign) is not null)
            {
                weight += entry.Campaign.Weight;
            }
        }

        return weight;
    }

    /// <summary>Checks every candidate, then draws one eligible by weight; <c>null</c> when none is eligible.</summary>
    private PlacementEntry? ScanAndDraw(ReadOnlySpan<CandidateList> lists, int candidates, SlotRequest slot, ref PageState page, in Evaluation eval, RoadblockPlan? plan)
    {
        var scratch = t_scratch is { } s && s.Length >= candidates ? s : (t_scratch = new PlacementEntry[Math.Max(candidates, 64)]);
        var eligible = 0;
        long totalWeight = 0;
        try
        {
            foreach (var list in lists)
            {
                foreach (var entry in list.Entries)
                {
                    if ((plan is null || plan.ReasonExcluded(entry.Campaign) is null) && EligibilityRules.Check(entry, slot, ref page, in eval, out _) == CandidateOutcome.Selected)
                    {
                        scratch[eligible++] = entry;
                        totalWeight += entry.Campaign.Weight;
                    }
                }
            }

            // Fast path: one eligible campaign needs no draw.
            return eligible switch
            {
                0 => null,
                1 => scratch[0],
                _ => Draw(scratch.AsSpan(0, eligible), totalWeight),
            };
        }
        finally
        {
            Array.Clear(scratch, 0, eligible);
        }
    }

    private PlacementEntry Draw(ReadOnlySpan<PlacementEntry> candidates, long totalWeight)
    {
        var r = _random.NextInt64(totalWeight);
        foreach (var c in candidates)
        {
            r -= c.Campaign.Weight;
            if (r < 0)
            {
                return c;
            }
        }

        return candidates[^1];
    }

    private CompiledCreative PickCreative(PlacementEntry entry, SlotRequest slot, ref PageState page)
    {
        var fitting = entry.Fitting;
        if (fitting.Length == 1)
        {
            // Fast path: Check has already established that this one creative is usable.
            return fitting[0];
        }

        long total = 0;
        foreach (var c in fitting)
        {
            if (EligibilityRules.Usable(c, slot, ref page))
            {
                total += c.Weight;
            }
        }

        var r = _random.NextInt64(total);
        CompiledCreative? last = null;
        foreach (var c in fitting)
        {
            if (!EligibilityRules.Usable(c, slot, ref page))
            {
                continue;
            }

            last = c;
            r -= c.Weight;
            if (r < 0)
            {
                return c;
            }
        }

        return last!;
    }
}
