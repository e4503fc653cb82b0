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
    /// Decides every slot. The request is checked against the snapshot on the way, once: an unknown site is reported in
    /// <see cref="DecisionResult.Errors"/> (no slot is decided); a slot id used twice, an unknown placement, a placement
    /// of another site or a size the placement lacks in <see cref="DecisionResult.SlotErrors"/> (allocated only then),
    /// and that slot is a no-fill; the others are decided.
    /// </summary>
    [SkipLocalsInit]
    public DecisionResult Decide(CatalogSnapshot snapshot, DecisionRequest request, ViewerHistory history, DateTimeOffset now, bool explain = false)
    {
        var slotCount = request.Slots.Count;
        var results = new SlotDecision?[slotCount];
        string?[]? errors = null;
        if (!snapshot.Sites.TryGetValue(request.Site, out var site))
        {
            var unknown = new ValidationErrors();
            unknown.Add("site", $"unknown site '{request.Site}'");
            return new DecisionResult(results, explain ? [] : null, now.UtcDateTime, 0, unknown);
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
        var shown = request.Shown;
        var onPage = slotCount + (shown?.Count ?? 0);
        var page = new PageState(
            onPage <= StackLimit ? stackalloc int[onPage] : new int[onPage],
            onPage <= StackLimit ? stackalloc int[onPage] : new int[onPage],
            stackalloc int[StackLimit]);
        if (shown is not null)
        {
            AddShown(snapshot, shown, ref page);
        }

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
                context.Kv = slot.Kv is { Count: > 0 } slotKv ? Merge(request.Context.Kv, slotKv) : request.Context.Kv;
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

        return new DecisionResult(results, explanations, localTime, siteDay, slotErrors: errors);
    }

    /// <summary>The page's key-values with the slot's over them (a slot's value wins).</summary>
    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> page, IReadOnlyDictionary<string, string> slot)
    {
        var merged = new Dictionary<string, string>(page.Count + slot.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in page)
        {
            merged[key] = value;
        }

        foreach (var (key, value) in slot)
        {
            merged[key] = value;
        }

        return merged;
    }

    /// <summary>Puts what earlier requests of the page view showed on the page (ids the catalog lacks are ignored).</summary>
    private static void AddShown(CatalogSnapshot snapshot, IReadOnlyList<string> shown, ref PageState page)
    {
        for (var i = 0; i < shown.Count; i++)
        {
            var entry = shown[i].AsSpan();
            var slash = entry.IndexOf('/');
            var campaignId = slash < 0 ? entry : entry[..slash];
            if (!snapshot.CampaignsById.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(campaignId, out var campaign))
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
