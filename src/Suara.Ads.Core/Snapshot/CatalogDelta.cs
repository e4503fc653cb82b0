using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Core.Snapshot;

/// <summary>
/// What changed in a catalog: entities created or replaced (whole) and ids removed, per collection. Applied to a
/// snapshot by <see cref="CatalogSnapshotBuilder.TryApply"/>.
/// </summary>
public sealed record CatalogDelta
{
    /// <summary>Sites created or replaced.</summary>
    public IReadOnlyList<Site> Sites { get; init; } = [];

    /// <summary>Placements created or replaced.</summary>
    public IReadOnlyList<Placement> Placements { get; init; } = [];

    /// <summary>Advertisers created or replaced.</summary>
    public IReadOnlyList<Advertiser> Advertisers { get; init; } = [];

    /// <summary>Campaigns created or replaced.</summary>
    public IReadOnlyList<Campaign> Campaigns { get; init; } = [];

    /// <summary>Ids of sites removed.</summary>
    public IReadOnlyList<string> RemovedSites { get; init; } = [];

    /// <summary>Ids of placements removed.</summary>
    public IReadOnlyList<string> RemovedPlacements { get; init; } = [];

    /// <summary>Ids of advertisers removed.</summary>
    public IReadOnlyList<string> RemovedAdvertisers { get; init; } = [];

    /// <summary>Ids of campaigns removed.</summary>
    public IReadOnlyList<string> RemovedCampaigns { get; init; } = [];
}
