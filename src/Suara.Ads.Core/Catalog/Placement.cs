namespace Suara.Ads.Core.Catalog;

/// <summary>A slot position on a site's pages, such as the article leaderboard.</summary>
/// <remarks>
/// Properties with a default are <c>set</c>, not <c>init</c>: System.Text.Json's source generator passes every
/// init-only property through the object initializer, so a member missing from the JSON would overwrite its default
/// with null or 0 (dotnet/runtime#84484) and an admin PUT that omits an optional field would be refused. Treat
/// instances as immutable all the same: the catalog never changes one after it is read.
/// </remarks>
public sealed record Placement
{
    /// <summary>The placement id, unique across the catalog.</summary>
    public string Id { get; set; } = "";

    /// <summary>The id of the site the placement belongs to.</summary>
    public string Site { get; set; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Accepted creative sizes as <c>WIDTHxHEIGHT</c>, e.g. <c>728x90</c>.</summary>
    public IReadOnlyList<string> Sizes { get; set; } = [];

    /// <summary>Accepted creative formats: <c>image</c>, <c>html</c>, <c>text</c>.</summary>
    public IReadOnlyList<string> Formats { get; set; } = [];
}
