using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>
/// Issue 13, goal 2: a whole load reads each stored campaign with <see cref="CampaignJsonReader"/>, which must give the
/// campaign the serializer gives (strings shared alike) and leave anything not in the shape the catalog writes to the
/// serializer, so that a load reads, or refuses, exactly what it did before.
/// </summary>
public sealed class CampaignJsonReaderTests
{
    private static readonly Campaign s_full = new()
    {
        Id = "kopi-\u00e9t\u00e9",
        AdvertiserId = "skyway",
        Name = "Kopi \"special\" \u2603 <b>",
        Status = "paused",
        Start = new DateTimeOffset(2026, 11, 1, 8, 30, 0, TimeSpan.FromHours(8)),
        End = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero),
        Priority = "sponsorship",
        Weight = 250,
        Goal = new CampaignGoal { Impressions = 10_000_000_000, Clicks = 7, Spend = 1234.567891m, Per = "day" },
        Rate = new CampaignRate { Model = "cpm", Amount = 2.5m, Currency = "MYR" },
        Pacing = "even",
        FrequencyCap = new FrequencyCap { Impressions = 3, Per = "week" },
        ExclusionLabels = ["airline", "travel"],
        Placements = ["sidebar", "article-top"],
        Targeting = "country in ('MY', 'SG') and not section == 'news'",
        Creatives =
        [
            new Creative { Id = "a", Format = "image", Size = "300x250", ImageUrl = "/creatives/x.svg", Alt = "Fly <London> & \"more\"", ClickUrl = "https://skyway.example/london?a=1&b=2", Weight = 3 },
            new Creative { Id = "b", Format = "text", Size = "728x90", Headline = "Fly", Body = "Cheap \u00e9", ClickUrl = "https://skyway.example/", Weight = 1 },
            new Creative { Id = "c", Format = "html", Size = "300x250", Html = "<a href=\"{{CLICK_URL}}\">Go</a>", ClickUrl = "https://skyway.example/" + new string('x', 200) },
        ],
        Roadblock = true,
    };

    private static byte[] Stored(Campaign campaign) => JsonSerializer.SerializeToUtf8Bytes(campaign, CatalogJsonContext.Default.Campaign);

    private static string Json(Campaign campaign) => JsonSerializer.Serialize(campaign, CatalogJsonContext.Default.Campaign);

    /// <summary>What the serializer reads, shared as a load shares it.</summary>
    private static Campaign BySerializer(byte[] json) => new CatalogStrings().Share(JsonSerializer.Deserialize(json, CatalogJsonContext.Default.Campaign)!);

    [Fact]
    public void StoredCampaigns_ReadAsTheSerializerReadsThem()
    {
        var minimal = new Campaign { Id = "min" };
        foreach (var campaign in new[] { s_full, minimal, TestCatalog.Campaign("london", "device == 'mobile'") })
        {
            var stored = Stored(campaign);
            var read = CampaignJsonReader.TryRead(stored, new CatalogStrings());

            Assert.NotNull(read);
            Assert.Equal(Json(BySerializer(stored)), Json(read));
            Assert.Equal(Json(campaign), Json(read));
            Assert.IsType<string[]>(read.Placements);
            Assert.IsType<Creative[]>(read.Creatives);
        }

        // Defaults stay what the model says when the JSON leaves a property out.
        var sparse = CampaignJsonReader.TryRead("""{"id":"x"}"""u8, new CatalogStrings())!;
        Assert.Equal(Json(new Campaign { Id = "x" }), Json(sparse));
    }

    // Text with what JSON escapes (quotes, backslashes, controls, HTML-sensitive characters) and non-ASCII, often short
    // and repeated (the strings a load shares), sometimes empty.
    private static readonly Gen<string> s_text = Gen.String[Gen.Frequency((20, Gen.Char["abz09-_."]), (1, Gen.Char["\"\\/<>&'\t\n\u2028é☃ "])), 0, 12];

    private static Gen<T?> Maybe<T>(Gen<T> gen)
        where T : class => Gen.Frequency((1, Gen.Const((T?)null)), (2, gen.Select(v => (T?)v)));

    private static readonly Gen<DateTimeOffset?> s_time = Gen.Frequency(
        (1, Gen.Const((DateTimeOffset?)null)),
        (2, Gen.Select(Gen.Long[0, 4_000_000_000L], Gen.Int[-12, 14], (s, h) => (DateTimeOffset?)DateTimeOffset.FromUnixTimeSeconds(s).ToOffset(TimeSpan.FromHours(h)))));

    private static readonly Gen<Creative> s_creative =
        from id in s_text
        from format in Gen.OneOf(Gen.Const("image"), Gen.Const("text"), Gen.Const("html"), s_text)
        from size in Gen.OneOf(Gen.Const("300x250"), Gen.Const("728x90"), s_text)
        from image in Maybe(s_text)
        from alt in Maybe(s_text)
        from headline in Maybe(s_text)
        from body in Maybe(s_text)
        from html in Maybe(s_text)
        from click in s_text
        from weight in Gen.Int[-5, 1_000]
        select new Creative { Id = id, Format = format, Size = size, ImageUrl = image, Alt = alt, Headline = headline, Body = body, Html = html, ClickUrl = click, Weight = weight };

    private static readonly Gen<Campaign> s_campaign =
        from id in s_text
        from advertiser in s_text
        from name in s_text
        from status in Gen.OneOf(Gen.Const("active"), Gen.Const("paused"), s_text)
        from start in s_time
        from end in s_time
        from priority in Gen.OneOf(Gen.Const("standard"), Gen.Const("sponsorship"), s_text)
        from weight in Gen.Int[-10, 100_000]
        from goal in Maybe(Gen.Select(Gen.Long[0, 10_000_000_000L], Gen.Long[0, 1_000_000L], Gen.Int[0, 100_000_000], s_text, (i, c, cents, per) => new CampaignGoal
        {
            Impressions = i % 3 == 0 ? null : i,
            Clicks = c % 2 == 0 ? null : c,
            Spend = cents % 2 == 0 ? null : cents / 100m,
            Per = per,
        }))
        from rate in Maybe(Gen.Select(s_text, Gen.Int[0, 100_000_000], s_text, (model, cents, currency) => new CampaignRate { Model = model, Amount = cents / 1000m, Currency = currency }))
        from pacing in Gen.OneOf(Gen.Const("asap"), Gen.Const("even"), s_text)
        from cap in Maybe(Gen.Select(Gen.Int[0, 1_000], s_text, (n, per) => new FrequencyCap { Impressions = n, Per = per }))
        from labels in s_text.Array[0, 3]
        from placements in Gen.OneOf(Gen.Const("sidebar"), Gen.Const("article-top"), s_text).Array[0, 4]
        from targeting in Maybe(s_text)
        from creatives in s_creative.Array[0, 4]
        from roadblock in Gen.Bool
        select new Campaign
        {
            Id = id, AdvertiserId = advertiser, Name = name, Status = status, Start = start, End = end, Priority = priority, Weight = weight,
            Goal = goal, Rate = rate, Pacing = pacing, FrequencyCap = cap, ExclusionLabels = labels, Placements = placements,
            Targeting = targeting, Creatives = creatives, Roadblock = roadblock,
        };

    [Fact]
    public void AnyStoredCampaign_ReadsAsTheSerializerReadsIt()
    {
        // Many campaigns through one CatalogStrings, as a load reads a page of them: the shared strings must match across
        // them too.
        var strings = new CatalogStrings();
        var bySerializer = new CatalogStrings();
        s_campaign.Sample(
            campaign =>
            {
                var stored = Stored(campaign);
                var read = CampaignJsonReader.TryRead(stored, strings);
                Assert.True(read is not null, "left to the serializer: " + Encoding.UTF8.GetString(stored)); // the catalog's own shape is read
                var expected = bySerializer.Share(JsonSerializer.Deserialize(stored, CatalogJsonContext.Default.Campaign)!);
                Assert.Equal(Json(expected), Json(read!));
                Assert.Equal(Json(campaign), Json(read!));
            },
            iter: 2_000,
            threads: 1); // one CatalogStrings is one page's, read by one thread
    }

    [Fact]
    public void EqualShortStrings_AndLists_AreOneInstance_AcrossCampaigns()
    {
        var strings = new CatalogStrings();
        var one = CampaignJsonReader.TryRead(Stored(s_full), strings)!;
        var two = CampaignJsonReader.TryRead(Stored(s_full with { Id = "other", Name = "Other" }), strings)!;

        Assert.Same(one.Status, two.Status);
        Assert.Same(one.AdvertiserId, two.AdvertiserId);
        Assert.Same(one.Placements, two.Placements);
        Assert.Same(one.ExclusionLabels, two.ExclusionLabels);
        Assert.Same(one.Creatives[0].Size, two.Creatives[2].Size);
        Assert.Same(one.Creatives[1].ClickUrl, two.Creatives[1].ClickUrl);
        Assert.Same(one.Creatives[0].Alt, two.Creatives[0].Alt);
        Assert.NotSame(one.Targeting, two.Targeting); // long or rare text is not looked up

        // The serializer's path shares the same strings with the reader's.
        var three = RedisCatalogStore.Deserialize(Encoding.UTF8.GetBytes("""{"ID":"third","status":"paused","placements":["sidebar","article-top"]}"""), CatalogJsonContext.Default.Campaign, strings);
        Assert.Same(one.Status, three.Status);
        Assert.Same(one.Placements, three.Placements);
    }

    [Theory]
    [InlineData("""{"ID":"x","weight":5}""")] // the serializer matches names in any case
    [InlineData("""{"id":"x","weight":5,"weight":6}""")] // twice
    [InlineData("""{"id":"x","targeting":null}""")]
    [InlineData("""{"id":"x","placements":null}""")]
    [InlineData("""{"id":"x","placements":["a",null]}""")]
    [InlineData("""{"id":"x","creatives":[null]}""")]
    [InlineData("""{"id":"x","unknown":{"a":[1,2]}}""")]
    [InlineData("""{"id":"x","goal":{"impressions":5,"extra":1}}""")]
    [InlineData("""{"id":"x","rate":{"model":"cpm","amount":1.5,"currency":"MYR","currency":"SGD"}}""")]
    [InlineData("""{"id":"x","creatives":[{"id":"a","Weight":2}]}""")]
    public void OtherShapes_AreLeftToTheSerializer(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.Null(CampaignJsonReader.TryRead(bytes, new CatalogStrings()));
        Assert.Equal(Json(BySerializer(bytes)), Json(RedisCatalogStore.Deserialize(bytes, CatalogJsonContext.Default.Campaign, new CatalogStrings())));
    }

    [Theory]
    [InlineData("""{"id":"x","weight":"5"}""")]
    [InlineData("""{"id":"x","weight":5.5}""")]
    [InlineData("""{"id":"x","weight":3000000000}""")]
    [InlineData("""{"id":"x","start":"yesterday"}""")]
    [InlineData("""{"id":"x","roadblock":"true"}""")]
    [InlineData("""{"id":"x",}""")]
    [InlineData("""{"id":"x"} /* comment */""")]
    [InlineData("""{"id":"x"} {}""")]
    [InlineData("""{"id":"x" """)]
    [InlineData("""null""")]
    [InlineData("""[]""")]
    public void WhatTheSerializerRefuses_IsRefusedWithItsError(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        Assert.Null(CampaignJsonReader.TryRead(bytes, new CatalogStrings()));
        var expected = Record.Exception(() => BySerializer(bytes)) ?? Record.Exception(() => JsonSerializer.Deserialize(bytes, CatalogJsonContext.Default.Campaign) ?? throw new JsonException("The stored value is null."));
        var actual = Assert.ThrowsAny<JsonException>(() => RedisCatalogStore.Deserialize(bytes, CatalogJsonContext.Default.Campaign, new CatalogStrings()));
        Assert.NotNull(expected);
        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public void InvalidUtf8_IsLeftToTheSerializer()
    {
        byte[] bytes = [.. """{"id":"x","status":"a"""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Null(CampaignJsonReader.TryRead(bytes, new CatalogStrings()));
        Assert.ThrowsAny<Exception>(() => JsonSerializer.Deserialize(bytes, CatalogJsonContext.Default.Campaign));
        Assert.ThrowsAny<Exception>(() => RedisCatalogStore.Deserialize(bytes, CatalogJsonContext.Default.Campaign, new CatalogStrings()));
    }

    [Fact]
    public void EscapedStrings_ReadUnescaped()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"id":"x","status":"p\u0061used","placements":["side\u0062ar"],"targeting":"section == \u0027news\u0027"}""");

        var read = CampaignJsonReader.TryRead(bytes, new CatalogStrings());

        Assert.NotNull(read);
        Assert.Equal("paused", read.Status);
        Assert.Equal(["sidebar"], read.Placements);
        Assert.Equal("section == 'news'", read.Targeting);
    }

    [Fact]
    public async Task WholeLoadFromRedis_ReadsEachStoredCampaignAsTheSerializerDoes()
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london"), TestCatalog.Campaign("paris", "country == 'FR'")));
        var store = factory.Services.GetRequiredService<RedisCatalogStore>();
        var hash = factory.KeyPrefix + "{catalog}:campaigns";

        // Written behind the admin API's back: one in the shape the catalog writes, one the serializer alone reads.
        var full = Stored(s_full with { Id = "full", AdvertiserId = "skyway", Placements = ["sidebar"] });
        var odd = Encoding.UTF8.GetBytes("""{"ID":"odd","advertiserId":"skyway","name":"Odd","Placements":["sidebar"],"weight":7,"weight":9,"creatives":[]}""");
        await redis.GetDatabase().HashSetAsync(hash, [new("full", full), new("odd", odd)]);

        var (document, _) = await store.LoadAsync();

        Assert.Equal(["full", "london", "odd", "paris"], document.Campaigns.Select(c => c.Id));
        Assert.Equal(Json(BySerializer(full)), Json(document.Campaigns[0]));
        Assert.Equal(Json(BySerializer(odd)), Json(document.Campaigns[2]));
        Assert.Equal(9, document.Campaigns[2].Weight);
        var stored = await redis.GetDatabase().HashGetAsync(hash, "paris");
        Assert.Equal(Json(BySerializer(stored!)), Json(document.Campaigns[3]));
    }
}
