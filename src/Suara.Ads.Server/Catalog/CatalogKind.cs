namespace Suara.Ads.Server.Catalog;

/// <summary>The entity collections of the catalog, as stored in Redis (one hash each).</summary>
internal enum CatalogKind
{
    Sites = 0,
    Placements = 1,
    Advertisers = 2,
    Campaigns = 3,
    /// <summary>Hashes of advertisers' report keys (not part of the exported catalog).</summary>
    ReportKeys = 4,
    /// <summary>Named keys with their roles (<see cref="NamedKey"/>; not part of the exported catalog).</summary>
    Keys = 5,
}

/// <summary>One write to the stored catalog: set (<see cref="Json"/> not null) or delete an entry.</summary>
internal sealed record CatalogChange(CatalogKind Kind, string Id, string? Json);
