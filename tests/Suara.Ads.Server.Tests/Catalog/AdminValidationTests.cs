using System.Net;
using System.Text.Json.Nodes;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>One server for the whole class: every case here is refused, so nothing is stored.</summary>
public sealed class AdminValidationFixture : IDisposable
{
    public AdminValidationFixture()
    {
        using var redis = TestRedis.Connect(); // fails (never skips) without the Redis of ./test.sh
        Factory = new AdsServerFactory(TestCatalog.Document());
        Client = Factory.CreateAdminClient();
    }

    internal AdsServerFactory Factory { get; }

    internal HttpClient Client { get; }

    public void Dispose() => Factory.Dispose();
}

/// <summary>
/// Every validation error of the model as a 400 problem through HTTP, with field paths relative to the entity
/// (the HTTP twin of Suara.Ads.Core.Tests' CatalogValidatorTests).
/// </summary>
public sealed class AdminValidationTests : IClassFixture<AdminValidationFixture>
{
    private const string Creative = """{"id":"c","format":"image","size":"300x250","imageUrl":"https://cdn.example/c.png","clickUrl":"https://skyway.example/"}""";

    private readonly HttpClient _client;

    public AdminValidationTests(AdminValidationFixture fixture) => _client = fixture.Client;

    public static TheoryData<string, string, string> CampaignCases => new()
    {
        { "unknown advertiser", """{"advertiserId":"nobody"}""", "advertiserId" },
        { "missing advertiser", """{"advertiserId":""}""", "advertiserId" },
        { "unknown placement", """{"placements":["sidebar","nowhere"]}""", "placements[1]" },
        { "no placements", """{"placements":[]}""", "placements" },
        { "null placements", """{"placements":null}""", "placements" },
        { "duplicate placement", """{"placements":["sidebar","sidebar"]}""", "placements[1]" },
        { "end before start", """{"end":"2026-10-01T00:00:00Z"}""", "end" },
        { "bad status", """{"status":"running"}""", "status" },
        { "bad priority", """{"priority":"urgent"}""", "priority" },
        { "bad pacing", """{"pacing":"fast"}""", "pacing" },
        { "zero weight", """{"weight":0}""", "weight" },
        { "zero goal", """{"goal":{"impressions":0,"per":"flight"}}""", "goal.impressions" },
        { "bad goal period", """{"goal":{"impressions":10,"per":"month"}}""", "goal.per" },
        { "even flight goal without end", """{"end":null,"pacing":"even","goal":{"impressions":10,"per":"flight"}}""", "pacing" },
        { "two goal kinds", """{"goal":{"impressions":10,"clicks":2,"per":"flight"}}""", "goal" },
        { "no goal kind", """{"goal":{"per":"flight"}}""", "goal" },
        { "zero click goal", """{"goal":{"clicks":0,"per":"day"}}""", "goal.clicks" },
        { "spend goal without rate", """{"goal":{"spend":100,"per":"flight"}}""", "goal.spend" },
        { "spend goal at a flat rate", """{"rate":{"model":"flat","amount":500,"currency":"MYR"},"goal":{"spend":100,"per":"flight"}}""", "goal.spend" },
        { "spend goal below a cent", """{"rate":{"model":"cpm","amount":5,"currency":"MYR"},"goal":{"spend":10.005,"per":"flight"}}""", "goal.spend" },
        { "bad rate model", """{"rate":{"model":"cpa","amount":5,"currency":"MYR"}}""", "rate.model" },
        { "zero rate", """{"rate":{"model":"cpm","amount":0,"currency":"MYR"}}""", "rate.amount" },
        { "negative rate", """{"rate":{"model":"cpc","amount":-1,"currency":"MYR"}}""", "rate.amount" },
        { "rate with 7 decimals", """{"rate":{"model":"cpc","amount":0.1234567,"currency":"MYR"}}""", "rate.amount" },
        { "lower-case currency", """{"rate":{"model":"cpm","amount":5,"currency":"myr"}}""", "rate.currency" },
        { "missing currency", """{"rate":{"model":"cpm","amount":5}}""", "rate.currency" },
        { "flat rate without end", """{"end":null,"rate":{"model":"flat","amount":500,"currency":"MYR"}}""", "rate" },
        { "rate amount as text", """{"rate":{"model":"cpm","amount":"5","currency":"MYR"}}""", "rate.amount" },
        { "bad cap period", """{"frequencyCap":{"impressions":3,"per":"year"}}""", "frequencyCap.per" },
        { "zero cap", """{"frequencyCap":{"impressions":0,"per":"day"}}""", "frequencyCap.impressions" },
        { "bad label", """{"exclusionLabels":["Air Line"]}""", "exclusionLabels[0]" },
        { "missing name", """{"name":" "}""", "name" },
        { "targeting does not parse", """{"targeting":"country =="}""", "targeting" },
        { "unknown targeting field", """{"targeting":"colour == 'red'"}""", "targeting" },
        { "no creatives", """{"creatives":[]}""", "creatives" },
        { "null creative", """{"creatives":[null]}""", "creatives[0]" },
        { "creative fits no placement by size", """{"creatives":[{"id":"c","format":"image","size":"970x250","imageUrl":"https://cdn.example/c.png","clickUrl":"https://skyway.example/"}]}""", "creatives[0]" },
        { "creative fits no placement by format", """{"placements":["article-top"],"creatives":[{"id":"c","format":"text","size":"728x90","headline":"Fly","clickUrl":"https://skyway.example/"}]}""", "creatives[0]" },
        { "relative click url", """{"creatives":[{"id":"c","format":"image","size":"300x250","imageUrl":"https://cdn.example/c.png","clickUrl":"/landing"}]}""", "creatives[0].clickUrl" },
        { "javascript click url", """{"creatives":[{"id":"c","format":"image","size":"300x250","imageUrl":"https://cdn.example/c.png","clickUrl":"javascript:alert(1)"}]}""", "creatives[0].clickUrl" },
        { "bad format", """{"creatives":[{"id":"c","format":"video","size":"300x250","imageUrl":"https://cdn.example/c.png","clickUrl":"https://skyway.example/"}]}""", "creatives[0].format" },
        { "bad size", """{"creatives":[{"id":"c","format":"image","size":"300by250","imageUrl":"https://cdn.example/c.png","clickUrl":"https://skyway.example/"}]}""", "creatives[0].size" },
        { "image without url", """{"creatives":[{"id":"c","format":"image","size":"300x250","clickUrl":"https://skyway.example/"}]}""", "creatives[0].imageUrl" },
        { "text without headline", """{"creatives":[{"id":"c","format":"text","size":"300x250","clickUrl":"https://skyway.example/"}]}""", "creatives[0].headline" },
        { "html without markup", """{"creatives":[{"id":"c","format":"html","size":"300x250","html":"","clickUrl":"https://skyway.example/"}]}""", "creatives[0].html" },
        { "duplicate creative id", $$"""{"creatives":[{{Creative}},{{Creative}}]}""", "creatives[1].id" },
        { "misspelt field", """{"targetting":"country == 'MY'"}""", "targetting" },
        { "misspelt cap", """{"frequencyCapp":{"impressions":3,"per":"day"}}""", "frequencyCapp" },
        { "unknown goal field", """{"goal":{"impressions":10,"per":"flight","pace":"fast"}}""", "goal.pace" },
        { "unknown creative field", """{"creatives":[{"id":"c","format":"image","size":"300x250","imageUrl":"https://cdn.example/c.png","clickUrl":"https://skyway.example/","landing":"x"}]}""", "creatives[0].landing" },
        { "click url with a line break", """{"creatives":[{"id":"c","format":"image","size":"300x250","imageUrl":"https://cdn.example/c.png","clickUrl":"https://skyway.example/\r\nSet-Cookie: a=b"}]}""", "creatives[0].clickUrl" },
        { "image url with a tab", """{"creatives":[{"id":"c","format":"image","size":"300x250","imageUrl":"https://cdn.example/c\t.png","clickUrl":"https://skyway.example/"}]}""", "creatives[0].imageUrl" },
        { "wrong type", """{"weight":"heavy"}""", "weight" },
        { "wrong type in a creative", """{"creatives":[{"id":"c","weight":[1]}]}""", "creatives[0].weight" },
    };

    [Theory]
    [MemberData(nameof(CampaignCases))]
    public async Task PutCampaign_InvalidField_Is400WithEntityRelativeFieldAndStoresNothing(string name, string patch, string field)
    {
        var body = AdminHttp.Campaign();
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        var reply = await _client.PutAsync("/v1/admin/campaigns/invalid", body);

        Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{name}: {reply.Status} {reply.Body?.ToJsonString()}");
        Assert.Equal(400, (int)reply.Body!["status"]!);
        Assert.Equal("https://suara-ads.example/problems/validation", (string?)reply.Body["type"]);
        Assert.False(string.IsNullOrEmpty((string?)reply.Body["title"]));
        Assert.False(string.IsNullOrEmpty((string?)reply.Body["detail"]));
        Assert.All(reply.Errors(field), m => Assert.False(string.IsNullOrWhiteSpace(m)));
        Assert.DoesNotContain(reply.Body["errors"]!.AsObject(), e => e.Key.StartsWith("campaigns[", StringComparison.Ordinal) || e.Key.StartsWith('.'));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetReplyAsync("/v1/admin/campaigns/invalid")).Status);
    }

    [Fact]
    public async Task PutCampaign_SeveralUnknownFields_AreEachNamed_AndKnownOnesInAnyCaseAreNot()
    {
        var body = AdminHttp.Campaign();
        body["targetting"] = "country == 'MY'";
        body["Weight"] = 50; // the serializer matches names regardless of case: known
        body["creatives"]![0]!["clickurl2"] = "https://skyway.example/";

        var reply = await _client.PutAsync("/v1/admin/campaigns/invalid", body);

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Equal(["creatives[0].clickurl2", "targetting"], reply.Body!["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetReplyAsync("/v1/admin/campaigns/invalid")).Status);
    }

    [Theory]
    [InlineData("country ==", 11)]
    [InlineData("country == 'MY' and device = 'mobile'", 28)]
    [InlineData("colour == 'red'", 1)]
    public async Task PutCampaign_TargetingError_NamesLineAndColumn(string targeting, int column)
    {
        var reply = await _client.PutAsync("/v1/admin/campaigns/invalid", AdminHttp.Campaign(targeting));

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.Contains(reply.Errors("targeting"), m => m.StartsWith($"line 1, column {column}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PutCampaign_MultilineTargetingError_NamesSecondLine()
    {
        var reply = await _client.PutAsync("/v1/admin/campaigns/invalid", AdminHttp.Campaign("country == 'MY' and\n  device = 'mobile'"));
        Assert.StartsWith("line 2, column ", Assert.Single(reply.Errors("targeting")), StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> OtherEntityCases => new()
    {
        { "sites/berita", """{"name":"Berita","timeZone":"Mars/Olympus_Mons"}""", "timeZone" },
        { "sites/berita", """{"name":"Berita","timeZone":"UTC","domains":["not a host"]}""", "domains[0]" },
        { "sites/berita", """{"name":"","timeZone":"UTC"}""", "name" },
        { "placements/footer", """{"site":"nowhere","name":"F","sizes":["728x90"],"formats":["image"]}""", "site" },
        { "placements/footer", """{"site":"suara","name":"F","sizes":["728x"],"formats":["image"]}""", "sizes[0]" },
        { "placements/footer", """{"site":"suara","name":"F","sizes":["728x90"],"formats":["video"]}""", "formats[0]" },
        { "placements/footer", """{"site":"suara","name":"F","sizes":[],"formats":["image"]}""", "sizes" },
        { "advertisers/belibox", """{"name":""}""", "name" },
        { "advertisers/Bad_Id", """{"name":"Bad"}""", "id" },
        { "campaigns/Bad_Id", """{"name":"Bad"}""", "id" },
        { "sites/berita", """{"id":"other","name":"Berita","timeZone":"UTC"}""", "id" },
        { "sites/berita", """{"name":"Berita","timeZone":"UTC",""", "body" },
        { "sites/berita", "[1,2]", "body" },
        { "sites/berita", "null", "body" },
        { "sites/berita", "", "body" },
        { "sites/berita", """{"name":"Berita","timeZone":"UTC","domains":"berita.example"}""", "domains" },
    };

    [Theory]
    [MemberData(nameof(OtherEntityCases))]
    public async Task PutEntity_InvalidBodyOrId_Is400WithTheField(string path, string body, string field)
    {
        var reply = await _client.SendAsync(HttpMethod.Put, "/v1/admin/" + path, body);

        Assert.True(reply.Status == HttpStatusCode.BadRequest, $"{path} {body}: {reply.Status} {reply.Body?.ToJsonString()}");
        Assert.All(reply.Errors(field), m => Assert.False(string.IsNullOrWhiteSpace(m)));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetReplyAsync("/v1/admin/" + path)).Status);
    }

    [Fact]
    public async Task PutSite_BodyIdDiffersFromPath_NamesBoth()
    {
        var reply = await _client.SendAsync(HttpMethod.Put, "/v1/admin/sites/berita", """{"id":"other","name":"Berita","timeZone":"UTC"}""");
        var message = Assert.Single(reply.Errors("id"));
        Assert.Contains("'other'", message, StringComparison.Ordinal);
        Assert.Contains("'berita'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidateTargeting_ValidRule_Is200WithCanonicalText()
    {
        var reply = await _client.SendAsync(HttpMethod.Post, "/v1/admin/targeting/validate", """{"targeting":"COUNTRY in ('my','sg') and not section == 'politics'"}""");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.True((bool)reply.Body!["valid"]!);
        Assert.False(string.IsNullOrEmpty((string?)reply.Body["canonical"]));
    }

    [Fact]
    public async Task ValidateTargeting_InvalidRule_Is400WithPositions()
    {
        var reply = await _client.SendAsync(HttpMethod.Post, "/v1/admin/targeting/validate", """{"targeting":"country == 'MY' and\n  device = 'mobile'"}""");

        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        Assert.StartsWith("line 2, column ", reply.Errors("targeting")[0], StringComparison.Ordinal);
        var position = reply.Body!["positions"]![0]!;
        Assert.Equal(2, (int)position["line"]!);
        Assert.True((int)position["column"]! > 1);
        Assert.False(string.IsNullOrEmpty((string?)position["message"]));
    }

    [Theory]
    [InlineData("{}", "targeting")]
    [InlineData("""{"targeting":1}""", "targeting")]
    [InlineData("{", "body")]
    public async Task ValidateTargeting_MissingOrMalformed_Is400(string body, string field)
    {
        var reply = await _client.SendAsync(HttpMethod.Post, "/v1/admin/targeting/validate", body);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
        reply.Errors(field);
    }
}
