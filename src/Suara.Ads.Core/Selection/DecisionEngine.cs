using System.Runtime.CompilerServices;
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

    private readonly IDeliveryLedger _ledger;
    private readonly IRandomSource _random;

    /// <summary>Creates an engine.</summary>
    public DecisionEngine(IDeliveryLedger ledger, IRandomSource random)
    {
        _ledger = ledger;
        _random = random;
    }

    /// <summary>
    /// Decides every slot. The request is checked against the snapshot on the way, once: an unknown site, a slot
    /// id used twice, an unknown placement, a placement of another site or a size the placement lacks is reported in
    /// <see cref="DecisionResult.Errors"/> (allocated only then), and that slot is a no-fill; the others are decided.
    /// </summary>
    [SkipLocalsInit]
    public DecisionResult Decide(CatalogSnapshot snapshot, DecisionRequest request, ViewerHistory history, DateTimeOffset now, bool explain = false)
    {
        var slotCount = request.Slots.Count;
        var results = new SlotDecision?[slotCount];
        ValidationErrors? errors = null;
        if (!snapshot.Sites.TryGetValue(request.Site, out var site))
        {
            (errors = new ValidationErrors()).Add("site", $"unknown site '{request.Site}'");
            for (var i = 0; i < slotCount; i++)
            {
                Resolve(snapshot, request, i, ref errors);
            }

            return new DecisionResult(results, explain ? [] : null, now.UtcDateTime, 0, errors);
        }

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
        var page = new PageState(
            slotCount <= StackLimit ? stackalloc int[slotCount] : new int[slotCount],
            slotCount <= StackLimit ? stackalloc int[slotCount] : new int[slotCount],
            stackalloc int[StackLimit]);
        var explanations = explain ? new SlotExplanation[slotCount] : null;
        try
        {
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

                context.Placement = placement.Id;
                CompiledCreative? chosen;
                if (explanations is null)
                {
                    chosen = DecideSlot(placement, slot, ref page, in eval);
                }
                else
                {
                    var traces = new List<CandidateTrace>(placement.All.Length);
                    chosen = ExplainSlot(placement, slot, ref page, in eval, traces);
                    explanations[i] = new SlotExplanation(slot.Id, placement.Id, traces);
                }

                if (chosen is not null)
                {
                    page.Add(chosen);
                    results[i] = new SlotDecision(slot.Id, placement, chosen);
                }
            }
        }
        finally
        {
            // Do not keep the request's collections alive from a pool thread.
            context.Release();
        }

        return new DecisionResult(results, explanations, localTime, siteDay, errors);
    }

    /// <summary>
    /// The placement of slot <paramref name="index"/> when the slot can be decided on <paramref name="snapshot"/>;
    /// else <c>null</c>, with the reason added to <paramref name="errors"/> (created on the first error).
    /// </summary>
    private static CompiledPlacement? Resolve(CatalogSnapshot snapshot, DecisionRequest request, int index, ref ValidationErrors? errors)
    {
        var slot = request.Slots[index];
        var valid = true;
        for (var j = 0; j < index; j++)
        {
            if (string.Equals(request.Slots[j].Id, slot.Id, StringComparison.Ordinal))
            {
                (errors ??= new ValidationErrors()).Add($"slots[{index}].id", $"'{slot.Id}' is used by another slot");
                valid = false;
                break;
            }
        }

        if (!snapshot.Placements.TryGetValue(slot.Placement, out var placement))
        {
            (errors ??= new ValidationErrors()).Add($"slots[{index}].placement", $"unknown placement '{slot.Placement}'");
            return null;
        }

        if (placement.Site.Id != request.Site)
        {
            (errors ??= new ValidationErrors()).Add($"slots[{index}].placement", $"placement '{slot.Placement}' belongs to site '{placement.Site.Id}', not '{request.Site}'");
            return null;
        }

        if (slot.Sizes is { } sizes)
        {
            for (var j = 0; j < sizes.Count; j++)
            {
                if (!placement.Offers(sizes[j]))
                {
                    (errors ??= new ValidationErrors()).Add($"slots[{index}].sizes[{j}]", $"placement '{placement.Id}' takes {string.Join(", ", placement.Source.Sizes)}, not {sizes[j]}");
                    valid = false;
                }
            }
        }

        return valid ? placement : null;
    }
}
