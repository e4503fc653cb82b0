namespace Suara.Ads.Core.Catalog;

/// <summary>The whole catalog as one document: the export/import format and the format of seed files.</summary>
public sealed record CatalogDocument
{
    /// <summary>Sites.</summary>
    public IReadOnlyList<Site> Sites { get; init; } = [];

    /// <summary>Placements.</summary>
    public IReadOnlyList<Placement> Placements { get; init; } = [];

    /// <summary>Advertisers.</summary>
    public IReadOnlyList<Advertiser> Advertisers { get; init; } = [];

    /// <summary>Campaigns.</summary>
    public IReadOnlyList<Campaign> Campaigns { get; init; } = [];
}
