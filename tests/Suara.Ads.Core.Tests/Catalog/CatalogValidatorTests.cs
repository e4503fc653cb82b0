using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Tests.Support;
using Suara.Ads.Core.Utilities;
using static Suara.Ads.Core.Tests.Support.TestCatalog;

namespace Suara.Ads.Core.Tests.Catalog;

public sealed class CatalogValidatorTests
{
    private static IDictionary<string, string[]> Errors(CatalogDocument document)
    {
        Assert.False(CatalogSnapshotBuilder.TryBuild(document, 1, out var snapshot, out var errors));
        Assert.Null(snapshot);
        return errors.ToDictionary();
    }

    private static IDictionary<string, string[]> CampaignErrors(Campaign campaign) => Errors(Document(campaign));

    [Fact]
    public void TryBuild_ValidDocument_Succeeds()
    {
        Assert.True(CatalogSnapshotBuilder.TryBuild(Document(Campaign("a")), 3, out var snapshot, out var errors), errors.ToString());
        Assert.Equal(3, snapshot!.Version);
        Assert.Equal(1, snapshot.CampaignCount);
    }

    public static TheoryData<string, Func<Campaign, Campaign>, string> CampaignCases => new()
    {
        { "unknown advertiser", c => c with { AdvertiserId = "nobody" }, "campaigns[0].advertiserId" },
        { "unknown placement", c => c with { Placements = ["sidebar", "nowhere"] }, "campaigns[0].placements[1]" },
        { "no placements", c => c with { Placements = [] }, "campaigns[0].placements" },
        { "duplicate placement", c => c with { Placements = ["sidebar", "sidebar"] }, "campaigns[0].placements[1]" },
        { "end before start", c => c with { End = FlightStart.AddDays(-1) }, "campaigns[0].end" },
        { "end equals start", c => c with { End = FlightStart }, "campaigns[0].end" },
        { "bad status", c => c with { Status = "running" }, "campaigns[0].status" },
        { "bad priority", c => c with { Priority = "urgent" }, "campaigns[0].priority" },
        { "bad pacing", c => c with { Pacing = "fast" }, "campaigns[0].pacing" },
        { "zero weight", c => c with { Weight = 0 }, "campaigns[0].weight" },
        { "zero goal", c => c with { Goal = new CampaignGoal { Impressions = 0, Per = "flight" } }, "campaigns[0].goal.impressions" },
        { "bad goal period", c => c with { Goal = new CampaignGoal { Impressions = 10, Per = "month" } }, "campaigns[0].goal.per" },
        { "even flight goal without end", c => c with { End = null, Pacing = "even", Goal = new CampaignGoal { Impressions = 10, Per = "flight" } }, "campaigns[0].pacing" },
        { "bad cap period", c => c with { FrequencyCap = new FrequencyCap { Impressions = 3, Per = "year" } }, "campaigns[0].frequencyCap.per" },
        { "zero cap", c => c with { FrequencyCap = new FrequencyCap { Impressions = 0, Per = "day" } }, "campaigns[0].frequencyCap.impressions" },
        { "bad label", c => c with { ExclusionLabels = ["Air Line"] }, "campaigns[0].exclusionLabels[0]" },
        { "bad id", c => c with { Id = "Bad_Id" }, "campaigns[0].id" },
        { "missing name", c => c with { Name = " " }, "campaigns[0].name" },
        { "targeting does not parse", c => c with { Targeting = "country ==" }, "campaigns[0].targeting" },
        { "no creatives", c => c with { Creatives = [] }, "campaigns[0].creatives" },
        { "creative fits no placement by size", c => c with { Creatives = [Image("big", "970x250")] }, "campaigns[0].creatives[0]" },
        { "creative fits no placement by format", c => c with { Placements = ["article-top"], Creatives = [Text("t", "728x90")] }, "campaigns[0].creatives[0]" },
        { "relative click url", c => c with { Creatives = [Image("x") with { ClickUrl = "/landing" }] }, "campaigns[0].creatives[0].clickUrl" },
        { "javascript click url", c => c with { Creatives = [Image("x") with { ClickUrl = "javascript:alert(1)" }] }, "campaigns[0].creatives[0].clickUrl" },
        { "ftp click url", c => c with { Creatives = [Image("x") with { ClickUrl = "ftp://skyway.example/x" }] }, "campaigns[0].creatives[0].clickUrl" },
        { "bad format", c => c with { Creatives = [Image("x") with { Format = "video" }] }, "campaigns[0].creatives[0].format" },
        { "bad size", c => c with { Creatives = [Image("x") with { Size = "300by250" }] }, "campaigns[0].creatives[0].size" },
        { "image without url", c => c with { Creatives = [Image("x") with { ImageUrl = null }] }, "campaigns[0].creatives[0].imageUrl" },
        { "protocol-relative image url", c => c with { Creatives = [Image("x") with { ImageUrl = "//evil.example/x.png" }] }, "campaigns[0].creatives[0].imageUrl" },
        { "text without headline", c => c with { Creatives = [Text("x") with { Headline = null }] }, "campaigns[0].creatives[0].headline" },
        { "html without markup", c => c with { Creatives = [Image("x") with { Format = "html", Html = "" }] }, "campaigns[0].creatives[0].html" },
        { "duplicate creative id", c => c with { Creatives = [Image("x"), Image("x")] }, "campaigns[0].creatives[1].id" },
        { "creative weight", c => c with { Creatives = [Image("x", weight: 0)] }, "campaigns[0].creatives[0].weight" },
    };

    [Theory]
    [MemberData(nameof(CampaignCases))]
    public void ValidateCampaign_InvalidField_IsRefusedWithMessageForThatField(string name, Func<Campaign, Campaign> change, string field)
    {
        var errors = CampaignErrors(change(Campaign("a")));
        Assert.True(errors.ContainsKey(field), $"{name}: expected an error for {field}, got {string.Join(", ", errors.Keys)}");
        Assert.All(errors[field], m => Assert.False(string.IsNullOrWhiteSpace(m)));
    }

    [Fact]
    public void ValidateCampaign_TargetingError_NamesLineAndColumn()
    {
        var errors = CampaignErrors(Campaign("a") with { Targeting = "country == 'MY' and\n  device = 'mobile'" });
        var message = Assert.Single(errors["campaigns[0].targeting"]);
        Assert.StartsWith("line 2, column ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateCampaign_UnknownTargetingField_IsRefused()
    {
        var errors = CampaignErrors(Campaign("a") with { Targeting = "colour == 'red'" });
        Assert.Contains("colour", errors["campaigns[0].targeting"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateCampaign_CreativeFittingOnePlacement_IsAccepted()
    {
        var campaign = Campaign("a") with { Placements = ["sidebar", "article-top"], Creatives = [Image("side"), Image("top", "728x90")] };
        Assert.True(CatalogSnapshotBuilder.TryBuild(Document(campaign), 1, out _, out var errors), errors.ToString());
    }

    [Fact]
    public void ValidateDocument_DuplicateIds_AreRefused()
    {
        var errors = Errors(Document(Campaign("a"), Campaign("a")));
        Assert.True(errors.ContainsKey("campaigns[1].id"));
    }

    [Fact]
    public void ValidateDocument_PlacementOfUnknownSite_IsRefused()
    {
        var document = Document() with { Placements = [.. Placements, new Placement { Id = "x", Site = "elsewhere", Name = "X", Sizes = ["1x1"], Formats = ["image"] }] };
        Assert.True(Errors(document).ContainsKey("placements[3].site"));
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("")]
    public void ValidateSite_UnknownTimeZone_IsRefused(string zone)
    {
        var document = Document() with { Sites = [TestCatalog.Site with { TimeZone = zone }] };
        Assert.True(Errors(document).ContainsKey("sites[0].timeZone"));
    }

    [Theory]
    [InlineData("300x")]
    [InlineData("x250")]
    [InlineData("0x250")]
    [InlineData("300x250x1")]
    [InlineData("99999x1")]
    public void ValidatePlacement_BadSize_IsRefused(string size)
    {
        var document = Document() with { Placements = [Placements[0] with { Sizes = [size] }] };
        Assert.True(Errors(document).ContainsKey("placements[0].sizes[0]"));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("skyway-london-2026", true)]
    [InlineData("0abc", true)]
    [InlineData("-abc", false)]
    [InlineData("Abc", false)]
    [InlineData("a_b", false)]
    [InlineData("", false)]
    public void Ids_IsValid_FollowsContractRule(string id, bool valid)
    {
        Assert.Equal(valid, Ids.IsValid(id));
        Assert.False(Ids.IsValid(new string('a', 65)));
        Assert.True(Ids.IsValid(new string('a', 64)));
    }

    [Fact]
    public void ValidateDocument_OnEveryCore_GivesTheErrorsInTheOrderOfOneCore()
    {
        // More campaigns than one chunk of a parallel validation, with errors spread over several chunks, in fields a
        // campaign reports more than once and in one (a duplicate id) that the whole-document checks report first.
        var campaigns = new Campaign?[5_000];
        for (var i = 0; i < campaigns.Length; i++)
        {
            var campaign = Campaign($"c-{i:D5}") with { Targeting = i % 7 == 0 ? "device == 'mobile'" : null };
            campaigns[i] = (i % 997) switch
            {
                3 => campaign with { AdvertiserId = "nobody", Weight = 0 },
                5 => campaign with { Targeting = "country ==", Placements = ["sidebar", "sidebar"] },
                7 => campaign with { Id = "c-00001", Name = " " },
                11 => null,
                _ => campaign,
            };
        }

        var document = Document() with { Campaigns = campaigns! };
        var oneCore = CatalogValidator.ValidateDocument(document, out var oneCoreRules, int.MaxValue);
        var everyCore = CatalogValidator.ValidateDocument(document, out var everyCoreRules, 1);

        Assert.False(oneCore.IsEmpty);
        Assert.Contains("campaigns[1004].id", oneCore.ToDictionary().Keys);
        Assert.Equal(oneCore.ToString(), everyCore.ToString());
        Assert.Equal(oneCore.ToDictionary().Keys, everyCore.ToDictionary().Keys);
        Assert.Equal(oneCoreRules.Select(r => r?.Source), everyCoreRules.Select(r => r?.Source));
        Assert.Equal(oneCore.ToString(), CatalogValidator.ValidateDocument(document, out _).ToString());
    }
}
