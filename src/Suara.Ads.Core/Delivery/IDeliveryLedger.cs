using Suara.Ads.Core.Counting;

namespace Suara.Ads.Core.Delivery;

/// <summary>
/// How much each campaign has delivered, for goals and even pacing, in the unit its goal counts: counted impressions
/// plus a hold for ads served and not yet confirmed by their impression, or counted clicks (a spend goal counts the
/// unit its rate prices) (see docs/selection.md, "What delivery counts"). Reads are on the
/// decision path and must be local (an in-process table refreshed from the shared store in the background); holds
/// only enqueue.
/// </summary>
public interface IDeliveryLedger
{
    /// <summary>
    /// Delivered over the campaign's whole flight. <c>false</c> while the campaign's totals are not known yet (after a
    /// start, or for a campaign that just appeared): a campaign with a goal then does not serve, rather than serve on a
    /// stale count.
    /// </summary>
    bool TryGetFlightDelivered(string campaignId, out long delivered);

    /// <summary>Delivered on <paramref name="siteDay"/> (days since 0001-01-01 in the site's time zone); <c>false</c> while not known.</summary>
    bool TryGetDayDelivered(string campaignId, int siteDay, out long delivered);

    /// <summary>Holds back one ad served in <paramref name="hold"/> until its impression is counted or the hold expires.</summary>
    void Hold(string campaignId, HoldKey hold);
}
