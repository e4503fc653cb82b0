namespace Suara.Ads.Core.Catalog;

/// <summary>The whole catalog as one document: the export/import format and the format of seed files.</summary>
/// <remarks>
/// Properties with a default are <c>set</c>, not <c>init</c>: System.Text.Json's source generator passes every
/// init-only property through the object initializer, so a member missing from the JSON would overwrite its default
/// with null or 0 (dotnet/runtime#84484) and an admin PUT that omits an optional field would be refused. Treat
/// instances as immutable all the same: the catalog never changes one after it is read.
/// </remarks>
public sealed record CatalogDocument
{
    /// <summary>Sites.</summary>
    public IReadOnlyList<Site> Sites { get; set; } = [];

    /// <summary>Placements.</summary>
    public IReadOnlyList<Placement> Placements { get; set; } = [];

    /// <summary>Advertisers.</summary>
    public IReadOnlyList<Advertiser> Advertisers { get; set; } = [];

    /// <summary>Campaigns.</summary>
    public IReadOnlyList<Campaign> Campaigns { get; set; } = [];
}
