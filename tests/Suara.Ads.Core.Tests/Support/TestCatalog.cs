using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Core.Tests.Support;

/// <summary>Small catalogs for tests: one site (Asia/Kuala_Lumpur), a few placements, campaigns made to order.</summary>
internal static class TestCatalog
{
    public static readonly DateTimeOffset FlightStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset FlightEnd = new(2026, 12, 31, 23, 59, 59, TimeSpan.Zero);

    /// <summary>A Monday, 12:00 in Kuala Lumpur (04:00 UTC).</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 30, 4, 0, 0, TimeSpan.Zero);

    public static Site Site { get; } = new() { Id = "suara", Name = "Suara", Domains = ["suara.example"], TimeZone = "Asia/Kuala_Lumpur" };

    public static IReadOnlyList<Placement> Placements { get; } =
    [
        new() { Id = "article-top", Site = "suara", Name = "Top", Sizes = ["728x90", "320x50"], Formats = ["image", "html"] },
        new() { Id = "sidebar", Site = "suara", Name = "Sidebar", Sizes = ["300x250", "300x600"], Formats = ["image", "text", "html"] },
        new() { Id = "footer", Site = "suara", Name = "Footer", Sizes = ["728x90"], Formats = ["image", "text"] },
    ];

    public static IReadOnlyList<Advertiser> Advertisers { get; } =
    [
        new() { Id = "skyway", Name = "Skyway Air" },
        new() { Id = "other", Name = "Other" },
    ];

    public static Creative Image(string id, string size = "300x250", int weight = 1) => new()
    {
        Id = id, Format = "image", Size = size, ImageUrl = $"/creatives/{id}.svg", Alt = id, ClickUrl = $"https://skyway.example/{id}", Weight = weight,
    };

    public static Creative Text(string id, string size = "300x250") => new()
    {
        Id = id, Format = "text", Size = size, Headline = "Fly London", Body = "From Kuala Lumpur", ClickUrl = "https://skyway.example/t",
    };

    public static Campaign Campaign(string id, params Creative[] creatives) => new()
    {
        Id = id,
        AdvertiserId = "skyway",
        Name = $"Campaign {id}",
        Status = "active",
        Start = FlightStart,
        End = FlightEnd,
        Priority = "standard",
        Weight = 100,
        Pacing = "asap",
        Placements = ["sidebar"],
        Creatives = creatives.Length > 0 ? creatives : [Image(id + "-300")],
    };

    public static CatalogDocument Document(params Campaign[] campaigns) => new()
    {
        Sites = [Site],
        Placements = Placements,
        Advertisers = Advertisers,
        Campaigns = campaigns,
    };
}
