namespace Suara.Ads.Core.Delivery;

/// <summary>
/// Per-viewer frequency state, keyed by <see cref="ViewerDigest"/>: read once per decision. Counted impressions are
/// written by the counting flow; a decision only holds its ads back locally, for at most <see cref="DeliveryHolds.ViewerHoldTime"/>,
/// so a viewer who never sees an impression leaves no state behind.
/// </summary>
public interface IFrequencyStore
{
    /// <summary>
    /// Reads the viewer's counted impressions plus what is held for the viewer. Must not throw for a store outage:
    /// return what is known (or empty).
    /// </summary>
    ValueTask<ViewerHistory> GetAsync(string viewer, CancellationToken cancellationToken);

    /// <summary>Holds <paramref name="key"/> for the viewer: served by <paramref name="decisionId"/> at <paramref name="now"/>, impression not yet counted.</summary>
    void Hold(string viewer, FrequencyKey key, Guid decisionId, DateTimeOffset now);
}
