namespace Suara.Ads.Core.Delivery;

/// <summary>Per-viewer frequency state: read once per decision, written after it.</summary>
public interface IFrequencyStore
{
    /// <summary>Reads the viewer's history. Must not throw for a store outage: return what is known (or empty).</summary>
    ValueTask<ViewerHistory> GetAsync(string viewerId, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="key"/> was served to the viewer once more; keep it at least <paramref name="retention"/>.</summary>
    void RecordServed(string viewerId, FrequencyKey key, TimeSpan retention);
}
