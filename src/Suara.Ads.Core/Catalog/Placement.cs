namespace Suara.Ads.Core.Catalog;

/// <summary>A slot position on a site's pages, such as the article leaderboard.</summary>
public sealed record Placement
{
    /// <summary>The placement id, unique across the catalog.</summary>
    public string Id { get; init; } = "";

    /// <summary>The id of the site the placement belongs to.</summary>
    public string Site { get; init; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Accepted creative sizes as <c>WIDTHxHEIGHT</c>, e.g. <c>728x90</c>.</summary>
    public IReadOnlyList<string> Sizes { get; init; } = [];

    /// <summary>Accepted creative formats: <c>image</c>, <c>html</c>, <c>text</c>.</summary>
    public IReadOnlyList<string> Formats { get; init; } = [];
}
