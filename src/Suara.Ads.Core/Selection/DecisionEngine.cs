using System.Globalization;
using System.Runtime.CompilerServices;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;
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

    /// <summary>Most candidate lists a tier can offer one request: the unkeyed list plus one per keyed field.</summary>
    private const int MaxBuckets = 16;

    /// <summary>
    /// Running sums of campaign weights of each index list (entry i's share of a draw is [sum(i - 1), sum(i))),
    /// computed on first use and kept as long as the snapshot holding the list lives.
    /// </summary>
    private static readonly ConditionalWeakTable<PlacementEntry[], long[]> s_weightSums = new();

    [ThreadStatic]
    private static PlacementEntry[]? t_scratch;

    [ThreadStatic]
    private static PlacementEntry[]?[]? t_buckets;

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
                chosen = DecideSlot(placement, request, ref page, in eval);
            }
            else
            {
                var traces = new List<CandidateTrace>(placement.All.Length);
                chosen = ExplainSlot(placement, request, ref page, in eval, traces);
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

    private CompiledCreative? DecideSlot(CompiledPlacement placement, DecisionRequest request, ref PageState page, in Evaluation eval)
    {
        var context = request.Context;
        for (var t = 0; t < placement.Tiers.Length; t++)
        {
            var tier = placement.Tiers[t];
            if (tier.Count == 0)
            {
                continue;
            }

            // Large tier: draw by weight among the request's candidates and check only what is drawn.
            if (tier.Count >= SampleThreshold && TrySample(tier, request, ref page, in eval) is { } sampled)
            {
                return PickCreative(sampled, ref page);
            }

            var scratch = t_scratch is { } s && s.Length >= tier.Count ? s : (t_scratch = new PlacementEntry[Math.Max(tier.Count, 64)]);
            var eligible = 0;
            long totalWeight = 0;
            try
            {
                Collect(tier.Unkeyed, request, ref page, in eval, scratch, ref eligible, ref totalWeight);
                foreach (var field in tier.Fields)
                {
                    if (field.ByValue.TryGetValue(context.GetString(field.Field), out var entries))
                    {
                        Collect(entries, request, ref page, in eval, scratch, ref eligible, ref totalWeight);
                    }
                }

                if (eligible == 0)
                {
                    continue;
                }

                // Fast path: one eligible campaign needs no draw.
                var winner = eligible == 1 ? scratch[0] : Draw(scratch.AsSpan(0, eligible), totalWeight);
                return PickCreative(winner, ref page);
            }
            finally
            {
                Array.Clear(scratch, 0, eligible);
            }
        }

        return null;
    }

    /// <summary>
    /// Rejection sampling over the tier's candidates for this request (the unkeyed list and the one list per keyed
    /// field that matches the context; they are disjoint, as each campaign is filed under one field): draw a
    /// candidate in proportion to its weight, return it if eligible, else draw again. The accepted candidate is
    /// distributed exactly as a weighted draw among the eligible ones, so this is the scan-then-draw rule with
    /// about (total weight / eligible weight) checks instead of one per candidate. <c>null</c> after
    /// <see cref="MaxRejections"/> misses (few or no eligible candidates): the caller scans the tier, which keeps
    /// the distribution exact and decides whether the tier has any candidate at all.
    /// </summary>
    private PlacementEntry? TrySample(TierIndex tier, DecisionRequest request, ref PageState page, in Evaluation eval)
    {
        var buckets = t_buckets ??= new PlacementEntry[MaxBuckets][];
        Span<long> ends = stackalloc long[MaxBuckets];
        var count = 0;
        long total = 0;
        if (tier.Unkeyed.Length > 0)
        {
            buckets[count] = tier.Unkeyed;
            total += WeightSums(tier.Unkeyed)[^1];
            ends[count++] = total;
        }

        foreach (var field in tier.Fields)
        {
            if (count < MaxBuckets && field.ByValue.TryGetValue(request.Context.GetString(field.Field), out var entries) && entries.Length > 0)
            {
                buckets[count] = entries;
                total += WeightSums(entries)[^1];
                ends[count++] = total;
            }
        }

        try
        {
            if (total == 0)
            {
                return null;
            }

            for (var attempt = 0; attempt < MaxRejections; attempt++)
            {
                var r = _random.NextInt64(total);
                var b = 0;
                while (r >= ends[b])
                {
                    b++;
                }

                var list = buckets[b]!;
                var offset = r - (b == 0 ? 0 : ends[b - 1]);
                var i = Array.BinarySearch(WeightSums(list), offset);
                var entry = list[i < 0 ? ~i : i + 1];
                if (Check(entry, request, ref page, in eval, out _) == CandidateOutcome.Selected)
                {
                    return entry;
                }
            }

            return null;
        }
        finally
        {
            // Do not keep a retired snapshot's lists alive from a pool thread.
            Array.Clear(buckets, 0, count);
        }
    }

    private static long[] WeightSums(PlacementEntry[] entries) =>
        s_weightSums.TryGetValue(entries, out var sums) ? sums : s_weightSums.GetValue(entries, static e =>
        {
            var running = new long[e.Length];
            long sum = 0;
            for (var i = 0; i < e.Length; i++)
            {
                sum += e[i].Campaign.Weight;
                running[i] = sum;
            }

            return running;
        });

    private static void Collect(PlacementEntry[] entries, DecisionRequest request, ref PageState page, in Evaluation eval, PlacementEntry[] scratch, ref int eligible, ref long totalWeight)
    {
        foreach (var entry in entries)
        {
            if (Check(entry, request, ref page, in eval, out _) == CandidateOutcome.Selected)
            {
                scratch[eligible++] = entry;
                totalWeight += entry.Campaign.Weight;
            }
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

    private CompiledCreative PickCreative(PlacementEntry entry, ref PageState page)
    {
        var fitting = entry.Fitting;
        if (fitting.Length == 1)
        {
            return fitting[0];
        }

        long total = 0;
        foreach (var c in fitting)
        {
            if (!page.HasCreative(c.Index))
            {
                total += c.Weight;
            }
        }

        var r = _random.NextInt64(total);
        CompiledCreative? last = null;
        foreach (var c in fitting)
        {
            if (page.HasCreative(c.Index))
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
    private static CandidateOutcome Check(PlacementEntry entry, DecisionRequest request, ref PageState page, in Evaluation eval, out string? detail, bool wantDetail = false)
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

        foreach (var creative in entry.Fitting)
        {
            if (!page.HasCreative(creative.Index))
            {
                return CandidateOutcome.Selected;
            }
        }

        return CandidateOutcome.DuplicateCreative;
    }

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

    private CompiledCreative? ExplainSlot(CompiledPlacement placement, DecisionRequest request, ref PageState page, in Evaluation eval, List<CandidateTrace> traces)
    {
        var outcomes = new CandidateOutcome[placement.All.Length];
        var bestTier = int.MaxValue;
        for (var i = 0; i < placement.All.Length; i++)
        {
            var entry = placement.All[i];
            outcomes[i] = Check(entry, request, ref page, in eval, out var detail, wantDetail: true);
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
        var creative = PickCreative(winner, ref page);
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
