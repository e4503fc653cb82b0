using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Delivery;

/// <summary>
/// Counts a <see cref="ViewerHistory"/> can read instead of a dictionary of its own: the forecast replay keeps every
/// sampled viewer's counts in one store per shard and points one history at the viewer decided (nothing allocated per
/// viewer).
/// </summary>
internal interface IViewerCounts
{
    /// <summary>Ads of <paramref name="campaign"/> served to the viewer in <paramref name="window"/>.</summary>
    int Count(CompiledCampaign campaign, long window);

    /// <summary>Ads of the campaign <paramref name="campaignId"/> served to the viewer in <paramref name="window"/>.</summary>
    int Count(string campaignId, long window);

    /// <summary>Number of entries the viewer has.</summary>
    int EntryCount { get; }
}
