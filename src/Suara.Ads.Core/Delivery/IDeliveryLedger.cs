namespace Suara.Ads.Core.Delivery;

/// <summary>
/// How many ads each campaign has been served, for goals and pacing. Reads are on the decision path and
/// must be local (an in-process table refreshed from the shared store in the background); writes only enqueue.
/// </summary>
public interface IDeliveryLedger
{
    /// <summary>Ads served over the campaign's whole flight.</summary>
    long GetFlightServed(string campaignId);

    /// <summary>Ads served on <paramref name="siteDay"/> (days since 0001-01-01 in the site's time zone).</summary>
    long GetDayServed(string campaignId, int siteDay);

    /// <summary>Records one ad served on <paramref name="siteDay"/>.</summary>
    void RecordServed(string campaignId, int siteDay);
}
