namespace Suara.Ads.Core.Snapshot;

/// <summary>
/// Something that must know about a catalog version before it comes into force: called with the new snapshot just
/// before it is published (the delivery totals of its new campaigns, so they serve at once and on no stale count).
/// Must not throw; a warmup that cannot finish leaves its part unknown until it catches up.
/// </summary>
public interface ICatalogWarmup
{
    /// <summary>Prepares for <paramref name="next"/>.</summary>
    Task PrepareAsync(CatalogSnapshot next);
}
