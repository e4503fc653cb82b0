using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Counting;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Forecasting;

/// <summary>
/// The delivery a replay shard simulates, as the engine's goals and pacing read it: in impressions of all traffic (a
/// shard's fills times the impressions each stands for, times the number of shards), on top of what each campaign had
/// delivered when the forecast began. Lookups are array reads; nothing is allocated per request.
/// </summary>
internal sealed class ReplayLedger : IDeliveryLedger
{
    private readonly CatalogSnapshot _snapshot;
    private readonly Dictionary<string, int> _byIdReference;
    private readonly double[] _initial;
    private readonly double[] _flight;
    private readonly double[] _day;
    private readonly int[] _dayOf;

    public ReplayLedger(CatalogSnapshot snapshot, double[] initialFlightDelivered)
    {
        _snapshot = snapshot;
        _initial = initialFlightDelivered;

        // The engine asks by the campaign's own id string: found by reference (no hashing of the characters), by value
        // for any other string.
        _byIdReference = new Dictionary<string, int>(snapshot.Campaigns.Count, ReferenceEqualityComparer.Instance);
        foreach (var c in snapshot.Campaigns)
        {
            _byIdReference[c.Id] = c.Index;
        }

        _flight = new double[snapshot.Campaigns.Count];
        _day = new double[snapshot.Campaigns.Count];
        _dayOf = new int[snapshot.Campaigns.Count];
        Array.Fill(_dayOf, -1);
    }

    public bool TryGetFlightDelivered(string campaignId, out long delivered)
    {
        var i = IndexOf(campaignId);
        delivered = i < 0 ? 0 : (long)(_initial[i] + _flight[i]);
        return true;
    }

    public bool TryGetDayDelivered(string campaignId, int siteDay, out long delivered)
    {
        var i = IndexOf(campaignId);
        delivered = i >= 0 && _dayOf[i] == siteDay ? (long)_day[i] : 0;
        return true;
    }

    private int IndexOf(string campaignId) =>
        _byIdReference.TryGetValue(campaignId, out var index) ? index
        : _snapshot.CampaignsById.TryGetValue(campaignId, out var c) ? c.Index
        : -1;

    // The replay records what it delivers itself (Add): nothing is held.
    public void Hold(string campaignId, HoldKey hold)
    {
    }

    /// <summary>Adds <paramref name="impressions"/> delivered by <paramref name="campaign"/> on <paramref name="siteDay"/>.</summary>
    public void Add(CompiledCampaign campaign, int siteDay, double impressions)
    {
        // A click goal would need a click rate the sample does not have: it is not simulated (docs/forecasting.md).
        if (campaign.GoalMetric == GoalMetric.Clicks)
        {
            return;
        }

        var i = campaign.Index;
        _flight[i] += impressions;
        if (_dayOf[i] != siteDay)
        {
            _dayOf[i] = siteDay;
            _day[i] = 0;
        }

        _day[i] += impressions;
    }
}
