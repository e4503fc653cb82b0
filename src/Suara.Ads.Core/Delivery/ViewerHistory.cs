using Suara.Ads.Core.Snapshot;

namespace Suara.Ads.Core.Delivery;

/// <summary>
/// What one viewer has been served, per campaign and frequency window. Immutable once built, but for the forecast
/// replay's history, which reads its shard's counts of the viewer being decided (<see cref="IViewerCounts"/>).
/// </summary>
public sealed class ViewerHistory
{
    private readonly IReadOnlyDictionary<FrequencyKey, int>? _counts;
    private readonly IViewerCounts? _store;

    /// <summary>Creates a history from counts.</summary>
    public ViewerHistory(IReadOnlyDictionary<FrequencyKey, int> counts) => _counts = counts;

    /// <summary>A history that reads <paramref name="store"/>.</summary>
    internal ViewerHistory(IViewerCounts store) => _store = store;

    /// <summary>A viewer with no history (or no id).</summary>
    public static ViewerHistory Empty { get; } = new(new Dictionary<FrequencyKey, int>());

    /// <summary>Ads of <paramref name="campaignId"/> served to the viewer in <paramref name="window"/>.</summary>
    public int Count(string campaignId, long window) =>
        _store is not null ? _store.Count(campaignId, window)
        : _counts!.TryGetValue(new FrequencyKey(campaignId, window), out var n) ? n : 0;

    /// <summary>Number of entries.</summary>
    public int EntryCount => _store?.EntryCount ?? _counts!.Count;

    /// <summary>Ads of <paramref name="campaign"/> served to the viewer in <paramref name="window"/> (the engine's question).</summary>
    internal int Count(CompiledCampaign campaign, long window) =>
        _store is not null ? _store.Count(campaign, window) : Count(campaign.Id, window);
}
