using System.Globalization;
using System.Runtime.CompilerServices;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Utilities;

namespace Suara.Ads.Core.Selection;

/// <summary>
/// Picks a creative for every slot of a page from a <see cref="CatalogSnapshot"/>. Synchronous and
/// allocation-light: the only shared state it reads is the delivery ledger (local) and the viewer history
/// (read by the caller before the decision).
/// </summary>
/// <remarks>
/// Rules, in order, for each slot in page order: the placement's candidates (active campaigns that list it and
/// have a creative that fits it) whose flight includes now, whose targeting matches, that are not past their goal,
/// not held back by even pacing, not capped for this viewer, share no exclusion label with a campaign already on
/// the page and still have a fitting creative not yet on the page. The highest tier with a candidate wins; within it
/// a campaign is drawn by weight, then one of its remaining fitting creatives by weight.
/// </remarks>
public sealed class DecisionEngine
{
    /// <summary>Even pacing lets a campaign run this share of its goal ahead of the straight line.</summary>
    public const double PacingLead = 0.01;

    private const int StackLimit = 64;

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

    private readonly IDeliveryLedger _ledger;
    private readonly IRandomSource _random;

    /// <summary>Creates an engine.</summary>
    public DecisionEngine(IDeliveryLedger ledger, IRandomSource random)
    {
        _ledger = ledger;
        _random = random;
    }

    /// <summary>
    /// Checks that the request can be decided against <paramref name="snapshot"/>: the site exists, every slot's
    /// placement exists and belongs to it, and slot ids are unique.
    /// </summary>
    public static ValidationErrors Validate(CatalogSnapshot snapshot, DecisionRequest request)
    {
        var errors = new ValidationErrors();
        if (!snapshot.Sites.ContainsKey(request.Site))
        {
            errors.Add("site", $"unknown site '{request.Site}'");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < request.Slots.Count; i++)
        {
            var slot = request.Slots[i];
            if (!ids.Add(slot.Id))
            {
                errors.Add($"slots[{i}].id", $"'{slot.Id}' is used by another slot");
            }

            if (!snapshot.Placements.TryGetValue(slot.Placement, out var placement))
            {
                errors.Add($"slots[{i}].placement", $"unknown placement '{slot.Placement}'");
            }
            else if (placement.Site.Id != request.Site)
            {
                errors.Add($"slots[{i}].placement", $"placement '{slot.Placement}' belongs to site '{placement.Site.Id}', not '{request.Site}'");
            }
            else if (slot.Sizes is { } sizes)
            {
                for (var j = 0; j < sizes.Count; j++)
                {
                    if (!placement.Source.Sizes.Contains(sizes[j].ToString(), StringComparer.Ordinal))
                    {
                        errors.Add($"slots[{i}].sizes[{j}]", $"placement '{placement.Id}' takes {string.Join(", ", placement.Source.Sizes)}, not {sizes[j]}");
                    }
                }
            }
        }

        return errors;
    }

    /// <summary>Decides every slot. The request must pass <see cref="Validate"/>; slots that do not are no-fills.</summary>
    [SkipLocalsInit]
    public DecisionResult Decide(CatalogSnapshot snapshot, DecisionRequest request, ViewerHistory history, DateTimeOffset now, bool explain = false)
    {
        var slotCount = request.Slots.Count;
        var results = new SlotDecision?[slotCount];
        if (!snapshot.Sites.TryGetValue(request.Site, out var site))
        {
            return new DecisionResult(results, explain ? [] : null, now.UtcDateTime, 0);
        }

        var local = TimeZoneInfo.ConvertTime(now, site.TimeZone);
        var localTime = local.DateTime;
        var siteDay = (int)(localTime.Ticks / TimeSpan.TicksPerDay);
        var dayStartUtcTicks = local.UtcTicks - (localTime.Ticks % TimeSpan.TicksPerDay);

        var context = request.Context;
        context.Site = site.Id;
        context.Hour = localTime.Hour;
        context.Weekday = localTime.DayOfWeek;

        var eval = new Evaluation(now.UtcTicks, localTime, siteDay, dayStartUtcTicks, history, _ledger, snapshot.Labels);
        var page = new PageState(
            slotCount <= StackLimit ? stackalloc int[slotCount] : new int[slotCount],
            slotCount <= StackLimit ? stackalloc int[slotCount] : new int[slotCount],
            stackalloc int[StackLimit]);
        var explanations = explain ? new SlotExplanation[slotCount] : null;

        for (var i = 0; i < slotCount; i++)
        {
            var slot = request.Slots[i];
            if (!snapshot.Placements.TryGetValue(slot.Placement, out var placement) || placement.Site != site)
            {
                if (explanations is not null)
                {
                    explanations[i] = new SlotExplanation(slot.Id, slot.Placement, []);
                }

                continue;
            }

            context.Placement = placement.Id;
            CompiledCreative? chosen;
            if (explanations is null)
            {
                chosen = DecideSlot(placement, slot, request, ref page, in eval);
            }
            else
            {
                var traces = new List<CandidateTrace>(placement.All.Length);
                chosen = ExplainSlot(placement, slot, request, ref page, in eval, traces);
                explanations[i] = new SlotExplanation(slot.Id, placement.Id, traces);
            }

            if (chosen is not null)
            {
                page.Add(chosen);
                results[i] = new SlotDecision(slot.Id, placement, chosen);
            }
        }

        return new DecisionResult(results, explanations, localTime, siteDay);
    }

    private CompiledCreative? DecideSlot(CompiledPlacement placement, SlotRequest slot, DecisionRequest request, ref PageState page, in Evaluation eval)
    {
        var lists = t_lists ??= new CandidateList[MaxLists];
        for (var t = 0; t < placement.Tiers.Length; t++)
        {
            var tier = placement.Tiers[t];
            if (tier.Count == 0)
            {
                continue;
            }

            var (count, candidates) = GatherLists(tier, request.Context, lists);
            try
            {
                // Large tier: draw by weight among the request's candidates and check only what is drawn.
                if (candidates >= SampleThreshold && TrySample(lists.AsSpan(0, count), slot, request, ref page, in eval) is { } sampled)
                {
                    return PickCreative(sampled, slot, ref page);
                }

                if (ScanAndDraw(lists.AsSpan(0, count), candidates, slot, request, ref page, in eval) is { } winner)
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
    private PlacementEntry? TrySample(ReadOnlySpan<CandidateList> lists, SlotRequest slot, DecisionRequest request, ref PageState page, in Evaluation eval)
    {
        long total = 0;
        foreach (var list in lists)
        {
            total += list.TotalWeight;
        }

        for (var attempt = 0; attempt < MaxRejections; attempt++)
        {
            var r = _random.NextInt64(total);
            var b = 0;
            while (r >= lists[b].TotalWeight)
            {
                r -= lists[b].TotalWeight;
                b++;
            }

            var entry = lists[b].At(r);
            if (Check(entry, slot, request, ref page, in eval, out _) == CandidateOutcome.Selected)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Checks every candidate, then draws one eligible by weight; <c>null</c> when none is eligible.</summary>
    private PlacementEntry? ScanAndDraw(ReadOnlySpan<CandidateList> lists, int candidates, SlotRequest slot, DecisionRequest request, ref PageState page, in Evaluation eval)
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
                    if (Check(entry, slot, request, ref page, in eval, out _) == CandidateOutcome.Selected)
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
            if (Usable(c, slot, ref page))
            {
                total += c.Weight;
            }
        }

        var r = _random.NextInt64(total);
        CompiledCreative? last = null;
        foreach (var c in fitting)
        {
            if (!Usable(c, slot, ref page))
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

    /// <summary>
    /// Whether <paramref name="entry"/> may serve in the slot now; <see cref="CandidateOutcome.Selected"/> means eligible.
    /// <paramref name="detail"/> is only built when <paramref name="wantDetail"/> is set (explain), off the fast path.
    /// </summary>
    private static CandidateOutcome Check(PlacementEntry entry, SlotRequest slot, DecisionRequest request, ref PageState page, in Evaluation eval, out string? detail, bool wantDetail = false)
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

        if (!c.Rule.Matches(request.Context))
        {
            if (wantDetail)
            {
                detail = c.Rule.Explain(request.Context);
            }

            return CandidateOutcome.Targeting;
        }

        if (c.GoalImpressions > 0)
        {
            var outcome = CheckGoal(c, in eval, wantDetail, out detail);
            if (outcome != CandidateOutcome.Selected)
            {
                return outcome;
            }
        }

        if (c.CapImpressions > 0 && request.UserId is not null)
        {
            var window = FrequencyWindows.Key(c.CapPeriod, eval.LocalTime);
            var seen = eval.History.Count(c.Id, window) + page.CountCampaign(c.Index);
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

    private static bool Usable(CompiledCreative creative, SlotRequest slot, ref PageState page) =>
        slot.Accepts(creative.Size) && !page.HasCreative(creative.Index);

    private static CandidateOutcome CheckGoal(CompiledCampaign c, in Evaluation eval, bool wantDetail, out string? detail)
    {
        detail = null;
        long served;
        long windowStart;
        long windowEnd;
        if (c.GoalPeriod == GoalPeriod.Day)
        {
            served = eval.Ledger.GetDayServed(c.Id, eval.SiteDay);
            windowStart = Math.Max(eval.DayStartUtcTicks, c.StartUtcTicks);
            windowEnd = Math.Min(eval.DayStartUtcTicks + TimeSpan.TicksPerDay, c.EndUtcTicks);
        }
        else
        {
            served = eval.Ledger.GetFlightServed(c.Id);
            windowStart = c.StartUtcTicks;
            windowEnd = c.EndUtcTicks;
        }

        if (served >= c.GoalImpressions)
        {
            if (wantDetail)
            {
                detail = string.Create(CultureInfo.InvariantCulture, $"served {served} of {c.GoalImpressions} per {c.Source.Goal!.Per}");
            }

            return CandidateOutcome.GoalReached;
        }

        if (c.Pacing == PacingMode.Even)
        {
            var allowed = PacingAllowance(c.GoalImpressions, windowStart, windowEnd, eval.NowUtcTicks);
            if (served >= allowed)
            {
                if (wantDetail)
                {
                    detail = string.Create(CultureInfo.InvariantCulture, $"served {served} of {c.GoalImpressions} per {c.Source.Goal!.Per}; even pacing allows {allowed:0} by now");
                }

                return CandidateOutcome.Paced;
            }
        }

        return CandidateOutcome.Selected;
    }

    /// <summary>
    /// How many ads even pacing allows by <paramref name="now"/>: the goal's straight-line share of the elapsed window,
    /// plus a lead of <see cref="PacingLead"/> of the goal (at least one) so delivery is not starved at the start.
    /// </summary>
    public static double PacingAllowance(long goal, long windowStart, long windowEnd, long now)
    {
        var length = windowEnd - windowStart;
        var fraction = length <= 0 ? 1.0 : Math.Clamp((double)(now - windowStart) / length, 0.0, 1.0);
        return (goal * fraction) + Math.Max(1.0, goal * PacingLead);
    }

    private CompiledCreative? ExplainSlot(CompiledPlacement placement, SlotRequest slot, DecisionRequest request, ref PageState page, in Evaluation eval, List<CandidateTrace> traces)
    {
        var outcomes = new CandidateOutcome[placement.All.Length];
        var bestTier = int.MaxValue;
        for (var i = 0; i < placement.All.Length; i++)
        {
            var entry = placement.All[i];
            outcomes[i] = Check(entry, slot, request, ref page, in eval, out var detail, wantDetail: true);
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

    /// <summary>Per-decision values every check reads.</summary>
    private readonly struct Evaluation(long nowUtcTicks, DateTime localTime, int siteDay, long dayStartUtcTicks, ViewerHistory history, IDeliveryLedger ledger, string[] labels)
    {
        public long NowUtcTicks { get; } = nowUtcTicks;

        public DateTime LocalTime { get; } = localTime;

        public int SiteDay { get; } = siteDay;

        public long DayStartUtcTicks { get; } = dayStartUtcTicks;

        public ViewerHistory History { get; } = history;

        public IDeliveryLedger Ledger { get; } = ledger;

        public string[] Labels { get; } = labels;
    }

    /// <summary>What is already on the page: creatives, campaigns (for caps) and exclusion labels.</summary>
    private ref struct PageState(Span<int> creatives, Span<int> campaigns, Span<int> labels)
    {
        private readonly Span<int> _creatives = creatives;
        private readonly Span<int> _campaigns = campaigns;
        private Span<int> _labels = labels;
        private int _count;
        private int _labelCount;

        public readonly bool HasCreative(int index) => _creatives[.._count].Contains(index);

        public readonly int CountCampaign(int index) => _count == 0 ? 0 : _campaigns[.._count].Count(index);

        /// <summary>Whether a campaign other than <paramref name="campaign"/> on the page carries <paramref name="label"/>.</summary>
        public readonly bool HasLabelOfOtherCampaign(int label, int campaign)
        {
            // Labels are stored as (label, campaign) pairs.
            for (var i = 0; i < _labelCount; i += 2)
            {
                if (_labels[i] == label && _labels[i + 1] != campaign)
                {
                    return true;
                }
            }

            return false;
        }

        public void Add(CompiledCreative creative)
        {
            _creatives[_count] = creative.Index;
            _campaigns[_count] = creative.Campaign.Index;
            _count++;
            foreach (var label in creative.Campaign.LabelIds)
            {
                if (_labelCount + 2 > _labels.Length)
                {
                    var grown = new int[_labels.Length * 2];
                    _labels.CopyTo(grown);
                    _labels = grown;
                }

                _labels[_labelCount++] = label;
                _labels[_labelCount++] = creative.Campaign.Index;
            }
        }
    }
}
