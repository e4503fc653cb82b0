namespace Suara.Ads.Core.Delivery;

/// <summary>What one viewer has been served, per campaign and frequency window. Immutable once built.</summary>
public sealed class ViewerHistory
{
    private readonly IReadOnlyDictionary<FrequencyKey, int> _counts;

    /// <summary>Creates a history from counts.</summary>
    public ViewerHistory(IReadOnlyDictionary<FrequencyKey, int> counts) => _counts = counts;

    /// <summary>A viewer with no history (or no id).</summary>
    public static ViewerHistory Empty { get; } = new(new Dictionary<FrequencyKey, int>());

    /// <summary>Ads of <paramref name="campaignId"/> served to the viewer in <paramref name="window"/>.</summary>
    public int Count(string campaignId, long window) =>
        _counts.TryGetValue(new FrequencyKey(campaignId, window), out var n) ? n : 0;

    /// <summary>Number of entries.</summary>
    public int EntryCount => _counts.Count;
}
