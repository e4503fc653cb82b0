using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Selection;

/// <summary>
/// Runs one decision end to end: reads the viewer's frequency state (the one awaited read), decides on the
/// snapshot, then records what was served (local enqueue only).
/// </summary>
public sealed class DecisionService
{
    private readonly DecisionEngine _engine;
    private readonly IDeliveryLedger _ledger;
    private readonly IFrequencyStore _frequency;
    private readonly TimeProvider _time;
    private readonly EventAggregate? _counts;

    /// <summary>Creates the service; served ads are also counted in <paramref name="counts"/> when given.</summary>
    public DecisionService(DecisionEngine engine, IDeliveryLedger ledger, IFrequencyStore frequency, TimeProvider time, EventAggregate? counts = null)
    {
        _engine = engine;
        _ledger = ledger;
        _frequency = frequency;
        _time = time;
        _counts = counts;
    }

    /// <summary>
    /// Decides <paramref name="request"/> on <paramref name="snapshot"/>. An <paramref name="explain"/> decision is a
    /// dry run: it is not recorded as served, so debugging does not move goals, pacing or caps. Nor is a decision whose
    /// request did not fully match the catalog (<see cref="DecisionResult.Errors"/>): it is refused as a whole.
    /// </summary>
    public async ValueTask<DecisionResult> DecideAsync(CatalogSnapshot snapshot, DecisionRequest request, bool explain, CancellationToken cancellationToken)
    {
        var history = ViewerHistory.Empty;
        if (request.UserId is { } user && snapshot.HasFrequencyCaps)
        {
            history = await _frequency.GetAsync(user, cancellationToken).ConfigureAwait(false);
        }

        var now = _time.GetUtcNow();
        var result = _engine.Decide(snapshot, request, history, now, explain);
        if (!explain && result.Errors is null)
        {
            Record(result, request.UserId, now);
        }

        return result;
    }

    private void Record(DecisionResult result, string? userId, DateTimeOffset now)
    {
        var hour = now.ToUnixTimeSeconds() / 3600;
        foreach (var slot in result.Slots)
        {
            if (slot is null)
            {
                continue;
            }

            var campaign = slot.CompiledCreative.Campaign;
            _ledger.RecordServed(campaign.Id, result.SiteDay);
            _counts?.AddServed(new CounterKey(campaign.Id, slot.Creative.Id, slot.PlacementId, hour, CounterKind.Served), result.SiteDay);
            if (userId is not null && campaign.CapImpressions > 0)
            {
                var key = new FrequencyKey(campaign.Id, FrequencyWindows.Key(campaign.CapPeriod, result.SiteLocalTime));
                _frequency.RecordServed(userId, key, FrequencyWindows.Retention(campaign.CapPeriod, campaign.Source.End ?? DateTimeOffset.MaxValue, now));
            }
        }
    }
}
