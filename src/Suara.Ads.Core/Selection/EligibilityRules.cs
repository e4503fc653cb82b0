using System.Globalization;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Selection;

/// <summary>
/// Whether one candidate may serve in one slot now, rule by rule in the contract's order: active, in flight, a
/// fitting creative, targeting, goal and even pacing, the viewer's cap, exclusion labels, the slot's sizes and no
/// creative twice on the page. The fast path and explain share this one code; explain alone asks for the detail.
/// </summary>
internal static class EligibilityRules
{
    /// <summary>
    /// <see cref="CandidateOutcome.Selected"/> when <paramref name="entry"/> is eligible, else the first rule it fails.
    /// <paramref name="detail"/> is only built when <paramref name="wantDetail"/> is set (explain), off the fast path.
    /// </summary>
    public static CandidateOutcome Check(PlacementEntry entry, SlotRequest slot, ref PageState page, in Evaluation eval, out string? detail, bool wantDetail = false)
    {
        detail = null;
        var c = entry.Campaign;
        if (c.Status != CampaignStatus.Active)
        {
            return CandidateOutcome.Inactive;
        }

        if (!c.InFlight(eval.NowUtcTicks))
        {
            if (wantDetail)
            {
                detail = eval.NowUtcTicks < c.StartUtcTicks ? $"starts {c.Source.Start:O}" : $"ended {c.Source.End:O}";
            }

            return CandidateOutcome.OutOfFlight;
        }

        if (entry.Fitting.Length == 0)
        {
            return CandidateOutcome.NoFittingCreative;
        }

        if (!c.Rule.Matches(eval.Context))
        {
            if (wantDetail)
            {
                detail = c.Rule.Explain(eval.Context);
            }

            return CandidateOutcome.Targeting;
        }

        if (c.GoalUnits > 0)
        {
            var outcome = CheckGoal(c, in eval, wantDetail, out detail);
            if (outcome != CandidateOutcome.Selected)
            {
                return outcome;
            }
        }

        if (c.CapImpressions > 0 && eval.UserId is not null)
        {
            var window = FrequencyWindows.Key(c.CapPeriod, eval.LocalTime);
            var seen = eval.History.Count(c, window) + page.CountCampaign(c.Index);
            if (seen >= c.CapImpressions)
            {
                if (wantDetail)
                {
                    detail = string.Create(CultureInfo.InvariantCulture, $"viewer has had {seen} of {c.CapImpressions} per {c.Source.FrequencyCap!.Per}");
                }

                return CandidateOutcome.Capped;
            }
        }

        foreach (var label in c.LabelIds)
        {
            if (page.HasLabelOfOtherCampaign(label, c.Index))
            {
                if (wantDetail)
                {
                    detail = $"another campaign on the page has the exclusion label '{eval.Labels[label]}'";
                }

                return CandidateOutcome.Excluded;
            }
        }

        var sizeFits = false;
        foreach (var creative in entry.Fitting)
        {
            if (slot.Accepts(creative.Size))
            {
                sizeFits = true;
                if (!page.HasCreative(creative.Index))
                {
                    return CandidateOutcome.Selected;
                }
            }
        }

        if (!sizeFits)
        {
            if (wantDetail)
            {
                detail = "no creative in the sizes the slot asked for";
            }

            return CandidateOutcome.NoFittingCreative;
        }

        return CandidateOutcome.DuplicateCreative;
    }

    /// <summary>Whether <paramref name="creative"/> may go into the slot: a size it accepts, not yet on the page.</summary>
    public static bool Usable(CompiledCreative creative, SlotRequest slot, ref PageState page) =>
        slot.Accepts(creative.Size) && !page.HasCreative(creative.Index);

    private static CandidateOutcome CheckGoal(CompiledCampaign c, in Evaluation eval, bool wantDetail, out string? detail)
    {
        detail = null;
        long served;
        bool known;
        long windowStart;
        long windowEnd;
        if (c.GoalPeriod == GoalPeriod.Day)
        {
            known = eval.Ledger.TryGetDayDelivered(c.Id, eval.SiteDay, out served);
            windowStart = Math.Max(eval.DayStartUtcTicks, c.StartUtcTicks);
            windowEnd = Math.Min(eval.DayStartUtcTicks + TimeSpan.TicksPerDay, c.EndUtcTicks);
        }
        else
        {
            known = eval.Ledger.TryGetFlightDelivered(c.Id, out served);
            windowStart = c.StartUtcTicks;
            windowEnd = c.EndUtcTicks;
        }

        if (!known)
        {
            if (wantDetail)
            {
                detail = "its delivered totals are not loaded yet";
            }

            return CandidateOutcome.DeliveryUnknown;
        }

        if (served >= c.GoalUnits)
        {
            if (wantDetail)
            {
                detail = string.Create(CultureInfo.InvariantCulture, $"delivered {served} of {c.GoalUnits} {Unit(c)} per {c.Source.Goal!.Per}{(c.HoldsDelivery ? " (counting ads served in the last 30 s that await their impression)" : "")}");
            }

            return CandidateOutcome.GoalReached;
        }

        if (c.Pacing == PacingMode.Even)
        {
            var allowed = EvenPacing.Allowance(c.GoalUnits, windowStart, windowEnd, eval.NowUtcTicks);
            if (served >= allowed)
            {
                if (wantDetail)
                {
                    detail = string.Create(CultureInfo.InvariantCulture, $"delivered {served} of {c.GoalUnits} {Unit(c)} per {c.Source.Goal!.Per}; even pacing allows {allowed:0} by now");
                }

                return CandidateOutcome.Paced;
            }
        }

        return CandidateOutcome.Selected;
    }

    private static string Unit(CompiledCampaign c) =>
        (c.GoalMetric == GoalMetric.Clicks ? "clicks" : "impressions") + (c.Source.Goal!.Spend is { } spend ? string.Create(CultureInfo.InvariantCulture, $" (the spend goal of {spend} {c.Source.Rate!.Currency} at its rate)") : "");
}
