using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Selection;

/// <summary>
/// Runs one decision end to end: reads the viewer's frequency state (the one awaited read), decides on the
/// snapshot, then records what was served (local enqueue only). Serving only holds an ad back against its goal and
/// its viewer's caps; the impression, when it is counted, is what delivers (see docs/selection.md).
/// </summary>
public sealed class DecisionService
{
    private readonly DecisionEngine _engine;
    private readonly IDeliveryLedger _ledger;
    private readonly IFrequencyStore _frequency;
    private readonly ViewerDigest _viewers;
    private readonly TimeProvider _time;
    private readonly EventAggregate? _counts;

    /// <summary>
    /// Creates the service; a viewer id is digested with <paramref name="viewers"/> before anything keeps or sends it.
    /// Served ads (and invalid decisions) are also counted in <paramref name="counts"/> when given.
    /// </summary>
    public DecisionService(DecisionEngine engine, IDeliveryLedger ledger, IFrequencyStore frequency, ViewerDigest viewers, TimeProvider time, EventAggregate? counts = null)
    {
        _engine = engine;
        _ledger = ledger;
        _frequency = frequency;
        _viewers = viewers;
        _time = time;
        _counts = counts;
    }

    /// <summary>
    /// Decides <paramref name="request"/> on <paramref name="snapshot"/>. An <paramref name="explain"/> decision is a
    /// dry run: it is not recorded, so debugging does not move goals, pacing or caps. Nor is a decision whose
    /// request named an unknown site (<see cref="DecisionResult.Errors"/>); slots that could not be decided count as nothing. A decision of
    /// <paramref name="invalid"/> traffic is answered, but its filled slots count only as invalid, by that reason. An
    /// explain may be asked as of another time, <paramref name="at"/> (ignored for any other decision).
    /// </summary>
    public async ValueTask<DecisionResult> DecideAsync(CatalogSnapshot snapshot, DecisionRequest request, bool explain, CancellationToken cancellationToken, InvalidReason invalid = InvalidReason.None, DateTimeOffset? at = null)
    {
        var history = ViewerHistory.Empty;
        var viewer = request.UserId is { } user ? _viewers.Of(user) : null;
        if (viewer is not null && snapshot.HasFrequencyCaps)
        {
            history = await _frequency.GetAsync(viewer, cancellationToken).ConfigureAwait(false);
        }

        var now = explain && at is { } then ? then : _time.GetUtcNow();
        var result = _engine.Decide(snapshot, request, history, now, explain);
        result.DecisionId = Guid.CreateVersion7(now);
        result.Viewer = viewer;
        result.Invalid = invalid;
        if (!explain && result.Errors is null)
        {
            // Slots that could not be decided (SlotErrors) are no-fills that count as nothing, not even as requested.
            Record(request, result, now);
        }

        return result;
    }

    private void Record(DecisionRequest request, DecisionResult result, DateTimeOffset now)
    {
        var hour = now.ToUnixTimeSeconds() / 3600;
        if (_counts is not null && result.Invalid == InvalidReason.None)
        {
            // The publisher's inventory: every slot asked for, and whether it was filled.
            for (var i = 0; i < request.Slots.Count; i++)
            {
                if (result.SlotValid(i))
                {
                    _counts.AddSlot(request.Site, request.Slots[i].Placement, hour, result.Slots[i] is not null);
                }
            }
        }

        var bucket = DeliveryHolds.Bucket(now);
        foreach (var slot in result.Slots)
        {
            if (slot is null)
            {
                continue;
            }

            var campaign = slot.CompiledCreative.Campaign;
            if (result.Invalid != InvalidReason.None)
            {
                _counts?.AddCount(new CounterKey(campaign.Id, slot.Creative.Id, slot.PlacementId, hour, CounterKind.Invalid, result.Invalid));
                continue;
            }

            HoldKey? hold = null;
            if (campaign.HoldsDelivery)
            {
                hold = new HoldKey(bucket, result.SiteDay);
                _ledger.Hold(campaign.Id, hold.Value);
            }

            _counts?.AddServed(new CounterKey(campaign.Id, slot.Creative.Id, slot.PlacementId, hour, CounterKind.Served), hold);
            if (result.Viewer is { } viewer && campaign.CapImpressions > 0)
            {
                _frequency.Hold(viewer, new FrequencyKey(campaign.Id, FrequencyWindows.Key(campaign.CapPeriod, result.SiteLocalTime)), result.DecisionId, now);
            }
        }
    }
}
