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
    private readonly double[] _initial;
    private readonly double[] _flight;
    private readonly double[] _day;
    private readonly int[] _dayOf;

    public ReplayLedger(CatalogSnapshot snapshot, double[] initialFlightDelivered)
    {
        _snapshot = snapshot;
        _initial = initialFlightDelivered;
        _flight = new double[snapshot.Campaigns.Length];
        _day = new double[snapshot.Campaigns.Length];
        _dayOf = new int[snapshot.Campaigns.Length];
        Array.Fill(_dayOf, -1);
    }

    public bool TryGetFlightDelivered(string campaignId, out long delivered)
    {
        delivered = _snapshot.CampaignsById.TryGetValue(campaignId, out var c) ? (long)(_initial[c.Index] + _flight[c.Index]) : 0;
        return true;
    }

    public bool TryGetDayDelivered(string campaignId, int siteDay, out long delivered)
    {
        delivered = _snapshot.CampaignsById.TryGetValue(campaignId, out var c) && _dayOf[c.Index] == siteDay ? (long)_day[c.Index] : 0;
        return true;
    }

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
