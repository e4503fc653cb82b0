using Suara.Ads.Core.Selection;

namespace Suara.Ads.Server.Traffic;

/// <summary>
/// What the traffic sample (forecasts) hears of the traffic: every valid decision and every counted impression. Both
/// calls are on hot paths: they must only count and enqueue in memory, never wait on Redis.
/// </summary>
internal interface ITrafficRecorder
{
    /// <summary>A valid decision (not explain, not invalid traffic) of a known site.</summary>
    void Decided(DecisionRequest request, DecisionResult result);

    /// <summary>An impression counted (valid, the first of its token) for <paramref name="site"/> on <paramref name="siteDay"/> (days since 0001-01-01, site-local).</summary>
    void Impression(string site, int siteDay);
}
