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
/// (read by the caller before the decision). It never writes to the request.
/// </summary>
/// <remarks>
/// Rules, in order, for each slot in page order: the placement's candidates (active campaigns that list it and
/// have a creative that fits it) whose flight includes now, whose targeting matches, that are not past their goal,
/// not held back by even pacing, not capped for this viewer, share no exclusion label with a campaign already on
/// the page and still have a fitting creative not yet on the page (<see cref="EligibilityRules"/>). The highest tier
/// with a candidate wins; within it a campaign is drawn by weight, then one of its remaining fitting creatives by
/// weight (DecisionEngine.Tiers.cs). Explain walks every candidate instead (DecisionEngine.Explain.cs).
/// </remarks>
public sealed partial class DecisionEngine
{
    private const int StackLimit = 64;

    [ThreadStatic]
    private static TargetingContext? t_context;

    [ThreadStatic]
    private static CompiledCreative?[]? t_chosen;

    [ThreadStatic]
    private static CompiledPlacement?[]? t_placements;

    private readonly IDeliveryLedger _ledger;
    private readonly IRandomSource _random;

    /// <summary>Creates an engine.</summary>
    public DecisionEngine(IDeliveryLedger ledger, IRandomSource random)
    {
        _ledger = ledger;
        _random = random;
    }

    /// <summary>
    /// Decides every slot. The request is checked against the snapshot on the way, once: an unknown site is reported in
    /// <see cref="DecisionResult.Errors"/> (no slot is decided); a slot id used twice, an unknown placement, a placement
    /// of another site or a size the placement lacks in <see cref="DecisionResult.SlotErrors"/> (allocated only then),
    /// and that slot is a no-fill; the others are decided.
    /// </summary>
    [SkipLocalsInit]
    public DecisionResult Decide(CatalogSnapshot snapshot, DecisionRequest request, ViewerHistory history, DateTimeOffset now, bool explain = false)
    {
        var slotCount = request.Slots.Count;
        if (!snapshot.Sites.TryGetValue(request.Site, out var site))
        {
            var unknown = new ValidationErrors();
            unknown.Add("site", $"unknown site '{request.Site}'");
            return new DecisionResult(new SlotDecision?[slotCount], explain ? [] : null, now.UtcDateTime, 0, unknown);
        }

        // The choices are made into per-thread scratch arrays, and the answer's slots built from them once at the end.
        var chosenScratch = Scratch(ref t_chosen, slotCount);
        var placementScratch = Scratch(ref t_placements, slotCount);
        var chosen = chosenScratch;
        var placements = placementScratch;
        var explanations = explain ? new SlotExplanation[slotCount] : null;
        try
        {
            var (localTime, siteDay, errors) = DecideCore(snapshot, site, request, history, now, ref chosen, ref placements, ref explanations);
            var results = new SlotDecision?[slotCount];
            for (var i = 0; i < slotCount; i++)
            {
                if (chosen[i] is { } creative)
                {
                    results[i] = new SlotDecision(request.Slots[i].Id, placements[i]!, creative);
                }
            }

            return new DecisionResult(results, explanations, localTime, siteDay, slotErrors: errors);
        }
        finally
        {
            // Do not keep a retired snapshot's creatives alive from a pool thread.
            Array.Clear(chosenScratch, 0, slotCount);
            Array.Clear(placementScratch, 0, slotCount);
        }
    }

    /// <summary>
    /// Decides every slot as <see cref="Decide"/> does, into <paramref name="chosen"/> (one entry per slot, <c>null</c> a
    /// no-fill), allocating nothing when no roadblock has to be resolved and every slot can be decided: for replaying
    /// many requests (forecasts). <c>false</c> for a site the snapshot lacks. Nothing is recorded.
    /// </summary>
    internal bool DecideInto(CatalogSnapshot snapshot, DecisionRequest request, ViewerHistory history, DateTimeOffset now, CompiledCreative?[] chosen, CompiledPlacement?[] placements)
    {
        var slotCount = request.Slots.Count;
        Array.Clear(chosen, 0, slotCount);
        if (!snapshot.Sites.TryGetValue(request.Site, out var site))
        {
            return false;
        }

        var into = chosen;
        var placed = placements;
        SlotExplanation[]? explanations = null;
        DecideCore(snapshot, site, request, history, now, ref into, ref placed, ref explanations);
        if (into != chosen)
        {
            // A roadblock was resolved on arrays of its own.
            Array.Copy(into, chosen, slotCount);
            Array.Copy(placed, placements, slotCount);
        }

        return true;
    }

    /// <summary>The shared body of <see cref="Decide"/> and <see cref="DecideInto"/>: the site-local time, the site day and the slot errors.</summary>
    [SkipLocalsInit]
    private (DateTime LocalTime, int SiteDay, string?[]? Errors) DecideCore(CatalogSnapshot snapshot, CompiledSite site, DecisionRequest request, ViewerHistory history, DateTimeOffset now, ref CompiledCreative?[] chosen, ref CompiledPlacement?[] placements, ref SlotExplanation[]? explanations)
    {
        string?[]? errors = null;
        var local = TimeZoneInfo.ConvertTime(now, site.TimeZone);
        var localTime = local.DateTime;
        var siteDay = (int)(localTime.Ticks / TimeSpan.TicksPerDay);
        var dayStartUtcTicks = local.UtcTicks - (localTime.Ticks % TimeSpan.TicksPerDay);

        // The engine decides on its own copy of the context (one per thread, reused): the request stays as it came.
        var context = t_context ??= new TargetingContext();
        context.CopyFrom(request.Context);
        context.Site = site.Id;
        context.Hour = localTime.Hour;
        context.Weekday = localTime.DayOfWeek;

        var eval = new Evaluation(now.UtcTicks, localTime, siteDay, dayStartUtcTicks, context, request.UserId, history, _ledger, snapshot.Labels);
        try
        {
            RoadblockPlan? plan = null;
            DecidePage(snapshot, request, in eval, chosen, placements, explanations, ref errors, ref plan, out _);

            // Roadblocks: a roadblock that won a slot must fill every requested slot it lists, or none. One that could
            // not fill them even alone was left out as it won (above); one that could, but did not win them all, has
            // the page decided again with it in all its slots, or else without it (docs/selection.md).
            if (plan is not null)
            {
                ResolveRoadblocks(snapshot, request, in eval, ref chosen, ref placements, ref explanations, plan);
            }
        }
        finally
        {
            // Do not keep the request's collections alive from a pool thread.
            context.Release();
        }

        return (localTime, siteDay, errors);
    }

    private static T?[] Scratch<T>(ref T?[]? slot, int length)
        where T : class =>
        slot is { } array && array.Length >= length ? array : (slot = new T?[Math.Max(length, 8)]);

    /// <summary>
    /// One pass over the page's slots in page order. With a <paramref name="plan"/> that forces a roadblock, the
    /// roadblock takes every slot it lists; <c>false</c> (with the slot and reason in <paramref name="failure"/>) when it
    /// cannot take one. With a plan that excludes roadblocks, they are not candidates.
    /// </summary>
    [SkipLocalsInit]
    private bool DecidePage(CatalogSnapshot snapshot, DecisionRequest request, in Evaluation eval, CompiledCreative?[] results, CompiledPlacement?[] placements, SlotExplanation[]? explanations, ref string?[]? errors, ref RoadblockPlan? plan, out string? failure)
    {
        failure = null;
        var slotCount = request.Slots.Count;
        var context = eval.Context;
        var shown = request.Shown;
        var onPage = slotCount + (shown?.Count ?? 0) + 1;
        var page = new PageState(
            onPage <= StackLimit ? stackalloc int[onPage] : new int[onPage],
            onPage <= StackLimit ? stackalloc int[onPage] : new int[onPage],
            stackalloc int[StackLimit]);
        if (shown is not null)
        {
            AddShown(snapshot, shown, ref page);
        }

        if (plan?.Forced is { } forced)
        {
            // The roadblock's labels hold from the first slot on, so no slot before its own takes a rival.
            page.AddShown(forced, null);
        }

        for (var i = 0; i < slotCount; i++)
        {
            var slot = request.Slots[i];
            if (Resolve(snapshot, request, i, ref errors) is not { } placement)
            {
                if (explanations is not null)
                {
                    explanations[i] = new SlotExplanation(slot.Id, slot.Placement, []);
                }

                continue;
            }

            ForSlot(context, request, placement, slot);
            var traces = explanations is null ? null : new List<CandidateTrace>(placement.All.Count);
            CompiledCreative? chosen;
            if (plan?.Forced is { } roadblock && EntryOf(placement, roadblock) is { } entry)
            {
                chosen = ForceSlot(placement, entry, slot, ref page, in eval, traces, out var why);
                if (chosen is null)
                {
                    failure = $"cannot fill slot '{slot.Id}' ({why})";
                    return false;
                }
            }
            else
            {
                chosen = traces is null ? DecideSlot(placement, slot, ref page, in eval, plan) : ExplainSlot(placement, slot, ref page, in eval, traces, plan);

                // A roadblock that wins here is checked at once against the other slots it lists; one that could not
                // fill them even alone is left out of the page, and this slot is decided again without it.
                while (chosen?.Campaign is { Roadblock: true } winner && (plan ??= new RoadblockPlan()).Vet(winner))
                {
                    if (CouldFillAlone(snapshot, request, in eval, winner, wantDetail: traces is not null, out var why))
                    {
                        break;
                    }

                    plan.Exclude(winner, why!);
                    ForSlot(context, request, placement, slot);
                    traces?.Clear();
                    chosen = traces is null ? DecideSlot(placement, slot, ref page, in eval, plan) : ExplainSlot(placement, slot, ref page, in eval, traces, plan);
                }
            }

            if (explanations is not null)
            {
                explanations[i] = new SlotExplanation(slot.Id, placement.Id, traces!);
            }

            results[i] = chosen;
            placements[i] = placement;
            if (chosen is not null)
            {
                page.Add(chosen);
            }
        }

        return true;
    }

    /// <summary>
    /// While a roadblock won a slot but not every requested slot it lists: decide the page again with it in all of
    /// them; if it cannot take one (not eligible there, or a higher tier has a candidate there), decide the page
    /// without it, and explain says why. Each roadblock is tried at most once.
    /// </summary>
    private void ResolveRoadblocks(CatalogSnapshot snapshot, DecisionRequest request, in Evaluation eval, ref CompiledCreative?[] results, ref CompiledPlacement?[] placements, ref SlotExplanation[]? explanations, RoadblockPlan learnt)
    {
        var slotCount = request.Slots.Count;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (IncompleteRoadblock(snapshot, request, results) is not { } roadblock)
            {
                return;
            }

            string?[]? ignored = null;
            var forcedResults = new CompiledCreative?[slotCount];
            var forcedPlacements = new CompiledPlacement?[slotCount];
            var forcedExplanations = explanations is null ? null : new SlotExplanation[slotCount];
            RoadblockPlan? forced = learnt.Forcing(roadblock);
            if (DecidePage(snapshot, request, in eval, forcedResults, forcedPlacements, forcedExplanations, ref ignored, ref forced, out var failure))
            {
                results = forcedResults;
                placements = forcedPlacements;
                explanations = forcedExplanations;
                return;
            }

            learnt = learnt.Unforced();
            learnt.Exclude(roadblock, failure!);
            results = new CompiledCreative?[slotCount];
            placements = new CompiledPlacement?[slotCount];
            explanations = explanations is null ? null : new SlotExplanation[slotCount];
            RoadblockPlan? without = learnt;
            DecidePage(snapshot, request, in eval, results, placements, explanations, ref ignored, ref without, out _);
            learnt = without!;
        }
    }

    /// <summary>The first roadblock (in page order) that won a slot but not every requested slot it lists; else <c>null</c>.</summary>
    private static CompiledCampaign? IncompleteRoadblock(CatalogSnapshot snapshot, DecisionRequest request, CompiledCreative?[] results)
    {
        var slotCount = request.Slots.Count;
        for (var i = 0; i < slotCount; i++)
        {
            if (results[i]?.Campaign is not { Roadblock: true } roadblock)
            {
                continue;
            }

            for (var j = 0; j < slotCount; j++)
            {
                if (results[j]?.Campaign != roadblock
                    && snapshot.Placements.TryGetValue(request.Slots[j].Placement, out var placement)
                    && EntryOf(placement, roadblock) is not null)
                {
                    return roadblock;
                }
            }
        }

        return null;
    }

    private static PlacementEntry? EntryOf(CompiledPlacement placement, CompiledCampaign campaign)
    {
        foreach (var entry in placement.Roadblocks)
        {
            if (entry.Campaign == campaign)
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether the roadblock may serve in every requested slot it lists, by the rules that do not depend on the rest of
    /// the page (flight, targeting with the slot's placement and key-values, goal and pacing, sizes): a roadblock that
    /// cannot is left out at once, without deciding the page with it first. The reason is built only when
    /// <paramref name="wantDetail"/> (explain).
    /// </summary>
    [SkipLocalsInit]
    private static bool CouldFillAlone(CatalogSnapshot snapshot, DecisionRequest request, in Evaluation eval, CompiledCampaign roadblock, bool wantDetail, out string? failure)
    {
        failure = null;
        var context = eval.Context;
        var page = new PageState(stackalloc int[1], stackalloc int[1], stackalloc int[2]);
        for (var j = 0; j < request.Slots.Count; j++)
        {
            var slot = request.Slots[j];
            if (!snapshot.Placements.TryGetValue(slot.Placement, out var placement) || placement.Site.Id != request.Site || EntryOf(placement, roadblock) is not { } entry)
            {
                continue;
            }

            ForSlot(context, request, placement, slot);
            var outcome = EligibilityRules.Check(entry, slot, ref page, in eval, out var detail, wantDetail);
            if (outcome != CandidateOutcome.Selected)
            {
                // The reason is for explain; a decision that explains nothing does not build it.
                failure = wantDetail ? $"cannot fill slot '{slot.Id}' ({(detail is null ? outcome.ToString() : $"{outcome}: {detail}")})" : "";
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The roadblock's creative for a slot it lists: none (with the reason) when a campaign of a higher tier is
    /// eligible there, or when the roadblock itself is not. Explain traces every candidate: the others are
    /// <see cref="CandidateOutcome.Roadblocked"/>.
    /// </summary>
    private CompiledCreative? ForceSlot(CompiledPlacement placement, PlacementEntry roadblock, SlotRequest slot, ref PageState page, in Evaluation eval, List<CandidateTrace>? traces, out string? why)
    {
        why = null;
        CompiledCampaign? higher = null;
        var lists = t_lists ??= new CandidateList[MaxLists];
        for (var t = 0; t < (int)roadblock.Campaign.Tier && t < placement.Tiers.Length && higher is null; t++)
        {
            var (count, _) = GatherLists(placement.Tiers[t], eval.Context, lists);
            try
            {
                for (var l = 0; l < count && higher is null; l++)
                {
                    foreach (var entry in lists[l].Entries)
                    {
                        if (entry.Campaign != roadblock.Campaign && EligibilityRules.Check(entry, slot, ref page, in eval, out _) == CandidateOutcome.Selected)
                        {
                            higher = entry.Campaign;
                            break;
                        }
                    }
                }
            }
            finally
            {
                Array.Clear(lists, 0, count);
            }
        }

        if (higher is not null)
        {
            why = $"the {higher.Tier.Name()} campaign {higher.Id} is eligible there";
            return null;
        }

        var outcome = EligibilityRules.Check(roadblock, slot, ref page, in eval, out var detail, wantDetail: true);
        if (outcome != CandidateOutcome.Selected)
        {
            why = detail is null ? outcome.ToString() : $"{outcome}: {detail}";
            return null;
        }

        var creative = PickCreative(roadblock, slot, ref page);
        if (traces is not null)
        {
            foreach (var entry in placement.All)
            {
                if (entry == roadblock)
                {
                    traces.Add(new CandidateTrace(entry.Campaign.Id, creative.Id, entry.Campaign.Tier.Name(), CandidateOutcome.Selected, "a roadblock: it fills every requested slot it lists"));
                    continue;
                }

                var checkedOutcome = EligibilityRules.Check(entry, slot, ref page, in eval, out var reason, wantDetail: true);
                traces.Add(checkedOutcome == CandidateOutcome.Selected
                    ? new CandidateTrace(entry.Campaign.Id, null, entry.Campaign.Tier.Name(), CandidateOutcome.Roadblocked, $"the roadblock {roadblock.Campaign.Id} takes every slot it lists")
                    : new CandidateTrace(entry.Campaign.Id, null, entry.Campaign.Tier.Name(), checkedOutcome, reason));
            }
        }

        return creative;
    }

    /// <summary>Points the engine's context at one slot: its placement and its key-values (the page's when it has none).</summary>
    private static void ForSlot(TargetingContext context, DecisionRequest request, CompiledPlacement placement, SlotRequest slot)
    {
        context.Placement = placement.Id;
        context.Kv = slot.Kv ?? request.Context.Kv;
    }

    /// <summary>Puts what earlier requests of the page view showed on the page (ids the catalog lacks are ignored).</summary>
    private static void AddShown(CatalogSnapshot snapshot, IReadOnlyList<string> shown, ref PageState page)
    {
        for (var i = 0; i < shown.Count; i++)
        {
            var entry = shown[i].AsSpan();
            var slash = entry.IndexOf('/');
            var campaignId = slash < 0 ? entry : entry[..slash];
            if (!snapshot.CampaignsById.TryGetValue(campaignId, out var campaign))
            {
                continue;
            }

            CompiledCreative? creative = null;
            if (slash >= 0)
            {
                var creativeId = entry[(slash + 1)..];
                foreach (var candidate in campaign.Creatives)
                {
                    if (creativeId.SequenceEqual(candidate.Id))
                    {
                        creative = candidate;
                        break;
                    }
                }
            }

            page.AddShown(campaign, creative);
        }
    }

    /// <summary>
    /// The placement of slot <paramref name="index"/> when the slot can be decided on <paramref name="snapshot"/>;
    /// else <c>null</c>, with the reason at its index in <paramref name="errors"/> (created on the first error).
    /// </summary>
    private static CompiledPlacement? Resolve(CatalogSnapshot snapshot, DecisionRequest request, int index, ref string?[]? errors)
    {
        var slot = request.Slots[index];
        for (var j = 0; j < index; j++)
        {
            if (string.Equals(request.Slots[j].Id, slot.Id, StringComparison.Ordinal))
            {
                return Fail(request, index, ref errors, $"the slot id '{slot.Id}' is used by an earlier slot; only that one is decided");
            }
        }

        if (!snapshot.Placements.TryGetValue(slot.Placement, out var placement))
        {
            return Fail(request, index, ref errors, $"unknown placement '{slot.Placement}'");
        }

        if (placement.Site.Id != request.Site)
        {
            return Fail(request, index, ref errors, $"placement '{slot.Placement}' belongs to site '{placement.Site.Id}', not '{request.Site}'");
        }

        if (slot.Sizes is { } sizes)
        {
            for (var j = 0; j < sizes.Count; j++)
            {
                if (!placement.Offers(sizes[j]))
                {
                    return Fail(request, index, ref errors, $"placement '{placement.Id}' takes {string.Join(", ", placement.Source.Sizes)}, not {sizes[j]}");
                }
            }
        }

        return placement;
    }

    private static CompiledPlacement? Fail(DecisionRequest request, int index, ref string?[]? errors, string message)
    {
        (errors ??= new string?[request.Slots.Count])[index] = message;
        return null;
    }
}
