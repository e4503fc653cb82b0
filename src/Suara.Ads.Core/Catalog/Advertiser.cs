namespace Suara.Ads.Core.Catalog;

/// <summary>An advertiser owning campaigns.</summary>
public sealed record Advertiser
{
    /// <summary>The advertiser id.</summary>
    public string Id { get; init; } = "";

    /// <summary>Display name.</summary>
    public string Name { get; init; } = "";
}
