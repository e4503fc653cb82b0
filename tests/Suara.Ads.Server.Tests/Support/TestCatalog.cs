using Suara.Ads.Core.Catalog;

namespace Suara.Ads.Server.Tests.Support;

internal static class TestCatalog
{
    public static CatalogDocument Document(params Campaign[] campaigns) => new()
    {
        Sites = [new Site { Id = "suara", Name = "Suara", Domains = ["suara.example"], TimeZone = "Asia/Kuala_Lumpur" }, new Site { Id = "other", Name = "Other", TimeZone = "UTC" }],
        Placements =
        [
            new() { Id = "article-top", Site = "suara", Name = "Top", Sizes = ["728x90"], Formats = ["image", "html"] },
            new() { Id = "sidebar", Site = "suara", Name = "Side", Sizes = ["300x250"], Formats = ["image", "text", "html"] },
            new() { Id = "elsewhere", Site = "other", Name = "Other", Sizes = ["300x250"], Formats = ["image"] },
        ],
        Advertisers = [new Advertiser { Id = "skyway", Name = "Skyway Air" }],
        Campaigns = campaigns,
    };

    public static Campaign Campaign(string id, string? targeting = null, params Creative[] creatives) => new()
    {
        Id = id,
        AdvertiserId = "skyway",
        Name = id,
        Start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
        End = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero),
        Placements = ["sidebar", "article-top"],
        Targeting = targeting,
        Creatives = creatives.Length > 0 ? creatives :
        [
            new Creative { Id = "side", Format = "image", Size = "300x250", ImageUrl = "/creatives/x.svg", Alt = "Fly <London> & \"more\"", ClickUrl = "https://skyway.example/london?a=1&b=2" },
        ],
    };
}
