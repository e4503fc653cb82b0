using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Server.Events;
using Suara.Ads.Core.Delivery;
using System.Net;
using Suara.Ads.Core.Catalog;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Suara.Ads.Core.Events;
using Suara.Ads.Server.Tests.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Decisions;

public sealed class DecisionsApiTests
{
    private const string IPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
    private const string WindowsChrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

    private static async Task<(HttpStatusCode Status, JsonObject Body, string? ContentType)> PostAsync(
        HttpClient client, string body, Action<HttpRequestMessage>? configure = null, string path = "/v1/decisions")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        configure?.Invoke(request);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!.AsObject(), response.Content.Headers.ContentType?.MediaType);
    }

    private static string Page(string slots = """[{"id":"s","placement":"sidebar"}]""", string extra = "") =>
        $$"""{"site":"suara","page":{"url":"https://suara.example/news/a","section":"news"},"slots":{{slots}}{{extra}}}""";

    [Fact]
    public async Task Decide_DemoCatalog_FillsEverySlotWithOneAirlineAtMost()
    {
        using var factory = new AdsServerFactory();
        var client = factory.CreateClient();
        const string Slots = """[{"id":"top","placement":"article-top"},{"id":"inline","placement":"article-inline"},{"id":"side","placement":"sidebar"},{"id":"foot","placement":"footer"}]""";
        string[] airlines = ["skyway", "kenyalang", "selatjet"];
        for (var i = 0; i < 30; i++)
        {
            var (status, body, _) = await PostAsync(client, Page(Slots, $$""","user":{"id":"viewer-{{i}}"}"""));
            Assert.Equal(HttpStatusCode.OK, status);
            var slots = body["slots"]!.AsObject();
            Assert.Equal(["top", "inline", "side", "foot"], slots.Select(s => s.Key));
            Assert.All(slots, s => Assert.NotNull(s.Value));
            var campaigns = slots.Select(s => (string)s.Value!["campaignId"]!).ToArray();
            Assert.True(campaigns.Where(c => airlines.Any(a => c.StartsWith(a, StringComparison.Ordinal))).Distinct().Count() <= 1, string.Join(",", campaigns));
            Assert.Equal(4, slots.Select(s => (string)s.Value!["creativeId"]! + "/" + (string)s.Value!["campaignId"]!).Distinct().Count());
        }
    }

    [Fact]
    public async Task Decide_Success_ReturnsContractShapeAndVerifiableEventUrls()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var (status, body, contentType) = await PostAsync(factory.CreateClient(), Page(extra: ""","user":{"id":"v1"}"""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/json", contentType);
        Assert.Matches("^[0-9a-f]{32}$", (string)body["decisionId"]!);
        var slot = body["slots"]!["s"]!;
        Assert.Equal("london", (string)slot["campaignId"]!);
        Assert.Equal("side", (string)slot["creativeId"]!);
        Assert.Equal("image", (string)slot["format"]!);
        Assert.Equal(300, (int)slot["width"]!);
        Assert.Equal(250, (int)slot["height"]!);

        var codec = new EventTokenCodec(AdsServerFactory.SigningKey);
        foreach (var (field, type) in new[] { ("impressionUrl", EventType.Impression), ("viewableUrl", EventType.Viewable), ("clickUrl", EventType.Click) })
        {
            var url = (string)slot[field]!;
            Assert.StartsWith("/v1/events/", url, StringComparison.Ordinal);
            Assert.Equal(EventTokenStatus.Valid, codec.Verify(url["/v1/events/".Length..], factory.Time.GetUtcNow(), out var claims));
            Assert.Equal(type, claims!.Type);
            Assert.Equal("london", claims.Campaign);
            Assert.Equal("side", claims.Creative);
            Assert.Equal("sidebar", claims.Placement);
            Assert.Equal("suara", claims.Site);
            Assert.Equal(factory.Services.GetRequiredService<ViewerDigest>().Of("v1"), claims.Viewer); // a digest: tokens carry no raw viewer id
            Assert.DoesNotContain("v1", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(claims.Viewer)), StringComparison.Ordinal);
            Assert.Equal((string)body["decisionId"]!, claims.DecisionId.ToString("N"));
        }

        // Markup: catalog text is encoded, the image resolves against the public base URL, clicks are tracked.
        var html = (string)slot["html"]!;
        Assert.Contains("alt='Fly &lt;London&gt; &amp; &quot;more&quot;'", html, StringComparison.Ordinal);
        Assert.Contains("src='https://ads.example/creatives/x.svg'", html, StringComparison.Ordinal);
        Assert.Contains("href='https://ads.example" + (string)slot["clickUrl"]!, html, StringComparison.Ordinal);
        Assert.DoesNotContain("skyway.example", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_NothingEligible_IsNullSlot()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london", "section == 'sport'")));
        var (status, body, _) = await PostAsync(factory.CreateClient(), Page("""[{"id":"a","placement":"sidebar"},{"id":"b","placement":"article-top"}]"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body["slots"]!.AsObject().ContainsKey("a"));
        Assert.Null(body["slots"]!["a"]);
        Assert.Null(body["slots"]!["b"]);
    }

    [Fact]
    public async Task Decide_CountryFromTrustedHeader_BodyOverridesOnlyWithAServerKey()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("sg", "country == 'SG'")));
        var client = factory.CreateClient();
        void Header(HttpRequestMessage r) => r.Headers.Add("CF-IPCountry", "SG");
        void Keyed(HttpRequestMessage r) => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);

        Assert.NotNull((await PostAsync(client, Page(), Header)).Body["slots"]!["s"]);
        Assert.Null((await PostAsync(client, Page())).Body["slots"]!["s"]);

        // Anonymous callers (pages) cannot claim a country: the body's is ignored, the trusted header stands.
        Assert.NotNull((await PostAsync(client, Page(extra: ""","country":"MY" """), Header)).Body["slots"]!["s"]);
        Assert.Null((await PostAsync(client, Page(extra: ""","country":"sg" """))).Body["slots"]!["s"]);

        // A backend with a server (or admin) key speaks for its viewer.
        Assert.Null((await PostAsync(client, Page(extra: ""","country":"MY" """), r => { Header(r); Keyed(r); })).Body["slots"]!["s"]);
        Assert.NotNull((await PostAsync(client, Page(extra: ""","country":"sg" """), Keyed)).Body["slots"]!["s"]);
    }

    [Fact]
    public async Task Decide_DeviceFromUserAgent_BodyOverridesOnlyWithAServerKey()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("m", "device == 'mobile' and os == 'ios' and browser == 'safari'")));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.UserAgent.Clear();
        Assert.NotNull((await PostAsync(client, Page(), r => r.Headers.UserAgent.ParseAdd(IPhone))).Body["slots"]!["s"]);
        Assert.Null((await PostAsync(client, Page(), r => r.Headers.UserAgent.ParseAdd(WindowsChrome))).Body["slots"]!["s"]);
        Assert.NotNull((await PostAsync(client, Page(extra: ""","device":"desktop" """), r => r.Headers.UserAgent.ParseAdd(IPhone))).Body["slots"]!["s"]);
        Assert.Null((await PostAsync(client, Page(extra: ""","device":"desktop" """), r =>
        {
            r.Headers.UserAgent.ParseAdd(IPhone);
            r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
        })).Body["slots"]!["s"]);
    }

    [Fact]
    public async Task Decide_PageFields_ReachTargeting()
    {
        const string Rule = "path startswith '/news/' and keywords contains 'telegram' and kv.tier == 'premium' and referrer == 'www.search.example' and language == 'en'";
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("p", Rule)));
        var body = """{"site":"suara","page":{"url":"https://suara.example/news/x?y=1","section":"news","keywords":["Telegram","russia"],"language":"en","referrer":"https://www.search.example/q?x"},"slots":[{"id":"s","placement":"sidebar"}],"kv":{"tier":"Premium"}}""";
        Assert.NotNull((await PostAsync(factory.CreateClient(), body)).Body["slots"]!["s"]);
    }

    public static TheoryData<string, string, string> BadRequests => new()
    {
        { "not JSON", "{", "body" },
        { "empty", "", "body" },
        { "array", "[1,2]", "body" },
        { "null", "null", "body" },
        { "wrong type for slots", """{"site":"suara","slots":"sidebar"}""", "slots" },
        { "wrong type for kv value", """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}],"kv":{"a":1}}""", "kv.a" },
        { "no site", """{"slots":[{"id":"s","placement":"sidebar"}]}""", "site" },
        { "no slots", """{"site":"suara","slots":[]}""", "slots" },
        { "slot without placement", """{"site":"suara","slots":[{"id":"s"}]}""", "slots[0].placement" },
        { "null slot", """{"site":"suara","slots":[null]}""", "slots[0]" },
        { "unknown site", """{"site":"nope","slots":[{"id":"s","placement":"sidebar"}]}""", "site" },
        // One slot alone that cannot be decided: no valid slot at all, so the request is refused, naming the slot.
        { "unknown placement", """{"site":"suara","slots":[{"id":"s","placement":"nowhere"}]}""", "s" },
        { "placement of another site", """{"site":"suara","slots":[{"id":"s","placement":"elsewhere"}]}""", "s" },
        { "bad country", """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}],"country":"Malaysia"}""", "country" },
        { "bad slot size", """{"site":"suara","slots":[{"id":"s","placement":"sidebar","sizes":["big"]}]}""", "slots[0].sizes[0]" },
        { "slot size the placement does not take", """{"site":"suara","slots":[{"id":"s","placement":"sidebar","sizes":["728x90"]}]}""", "s" },
        { "bad device", """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}],"device":"phone"}""", "device" },
        { "21 slots", "{\"site\":\"suara\",\"slots\":[" + string.Join(",", Enumerable.Range(0, 21).Select(i => $$"""{"id":"s{{i}}","placement":"sidebar"}""")) + "]}", "slots" },
        { "51 keywords", "{\"site\":\"suara\",\"slots\":[{\"id\":\"s\",\"placement\":\"sidebar\"}],\"page\":{\"keywords\":[" + string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"k{i}\"")) + "]}}", "page.keywords" },
        { "513-char section", "{\"site\":\"suara\",\"slots\":[{\"id\":\"s\",\"placement\":\"sidebar\"}],\"page\":{\"section\":\"" + new string('a', 513) + "\"}}", "page.section" },
        { "513-char user id", "{\"site\":\"suara\",\"slots\":[{\"id\":\"s\",\"placement\":\"sidebar\"}],\"user\":{\"id\":\"" + new string('a', 513) + "\"}}", "user.id" },
        { "body over 64 KiB", "{\"site\":\"suara\",\"slots\":[{\"id\":\"s\",\"placement\":\"sidebar\"}],\"pad\":\"" + new string('a', 64 * 1024) + "\"}", "body" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Decide_BadInput_Is400ProblemNamingTheField(string name, string body, string field)
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var (status, problem, contentType) = await PostAsync(factory.CreateClient(), body);
        Assert.True(status == HttpStatusCode.BadRequest, $"{name}: {status}");
        Assert.Equal("application/problem+json", contentType);
        Assert.Equal(400, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["type"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"{name}: expected {field}, got {string.Join(", ", errors.Select(e => e.Key))}");
    }

    [Fact]
    public async Task Decide_ASlotThatCannotBeDecided_IsNullWithItsReason_AndTheRestOfThePageIsServed()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateClient();
        var (status, body, _) = await PostAsync(client, Page("""
            [{"id":"good","placement":"sidebar"},
             {"id":"typo","placement":"sidebr"},
             {"id":"wide","placement":"sidebar","sizes":["728x90"]},
             {"id":"theirs","placement":"elsewhere"},
             {"id":"good","placement":"sidebar"},
             {"placement":"sidebar"},
             {"id":"odd","placement":"sidebar","sizes":["huge"]},
             null]
            """));
        Assert.Equal(HttpStatusCode.OK, status);
        var slots = body["slots"]!.AsObject();
        Assert.Equal("london", (string)slots["good"]!["campaignId"]!); // the first slot with that id keeps its ad
        foreach (var bad in new[] { "typo", "wide", "theirs", "slots[5]", "odd", "slots[7]" })
        {
            Assert.True(slots.ContainsKey(bad), bad);
            Assert.Null(slots[bad]);
        }

        var errors = body["errors"]!.AsObject();
        Assert.Equal(["good", "odd", "slots[5]", "slots[7]", "theirs", "typo", "wide"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal("unknown placement 'sidebr'", (string)errors["typo"]!);
        Assert.Equal("placement 'sidebar' takes 300x250, not 728x90", (string)errors["wide"]!);
        Assert.Equal("placement 'elsewhere' belongs to site 'other', not 'suara'", (string)errors["theirs"]!);
        Assert.Equal("the slot id 'good' is used by an earlier slot; only that one is decided", (string)errors["good"]!);
        Assert.Equal("slots[5].id: is required", (string)errors["slots[5]"]!);
        Assert.Equal("slots[6].sizes[0]: must be WIDTHxHEIGHT in pixels, e.g. '728x90'", (string)errors["odd"]!);
        Assert.Equal("slots[7]: must be an object with id and placement", (string)errors["slots[7]"]!);

        // A page whose slots all decide has no errors member at all.
        Assert.False((await PostAsync(client, Page())).Body.ContainsKey("errors"));
    }

    [Fact]
    public async Task Decide_SlotKeyValues_GoOverThePages()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(
            TestCatalog.Campaign("gold", "kv.tier == 'gold'") with { Priority = "sponsorship" },
            TestCatalog.Campaign("house") with { Priority = "house" }));
        var client = factory.CreateClient();
        var (status, body, _) = await PostAsync(client, Page("""
            [{"id":"a","placement":"sidebar","kv":{"TIER":"gold"}},
             {"id":"b","placement":"sidebar"}]
            """, ""","kv":{"tier":"silver"}"""));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("gold", (string)body["slots"]!["a"]!["campaignId"]!); // the slot's tier, its name in any case
        Assert.Equal("house", (string)body["slots"]!["b"]!["campaignId"]!); // the page's tier
        var (_, other, _) = await PostAsync(client, Page("""[{"id":"c","placement":"sidebar","kv":{"other":"x"}}]""", ""","kv":{"tier":"silver"}"""));
        Assert.Equal("house", (string)other["slots"]!["c"]!["campaignId"]!); // the page's tier under the slot's other key
        var (_, pageGold, _) = await PostAsync(client, Page("""[{"id":"d","placement":"sidebar","kv":{"tier":"silver"}}]""", ""","kv":{"tier":"gold"}"""));
        Assert.Equal("house", (string)pageGold["slots"]!["d"]!["campaignId"]!); // the slot's silver over the page's gold

        // A slot's key-values over the limits spoil that slot only.
        var (badStatus, bad, _) = await PostAsync(client, Page("[{\"id\":\"a\",\"placement\":\"sidebar\",\"kv\":{\"k\":\"" + new string('v', 513) + "\"}},{\"id\":\"b\",\"placement\":\"sidebar\"}]"));
        Assert.Equal(HttpStatusCode.OK, badStatus);
        Assert.Null(bad["slots"]!["a"]);
        Assert.Contains("slots[0].kv.k: at most 512 characters", (string)bad["errors"]!["a"]!, StringComparison.Ordinal);
        Assert.NotNull(bad["slots"]!["b"]);
    }

    [Fact]
    public async Task Decide_PageShown_KeepsExclusionAndNoCreativeTwiceAcrossRequests()
    {
        var airline = TestCatalog.Campaign("skyway") with { ExclusionLabels = ["airline"], Weight = 1000 };
        var rival = TestCatalog.Campaign("selat") with { ExclusionLabels = ["airline"], Weight = 1000 };
        var house = TestCatalog.Campaign("house") with { Priority = "house" };
        using var factory = new AdsServerFactory(TestCatalog.Document(airline, rival, house));
        var client = factory.CreateClient();

        // The first request of the page view shows an airline; a lazy slot later must not show the other airline, nor
        // the same creative again.
        var (_, first, _) = await PostAsync(client, Page());
        var shownCampaign = (string)first["slots"]!["s"]!["campaignId"]!;
        var shownCreative = (string)first["slots"]!["s"]!["creativeId"]!;
        Assert.Contains(shownCampaign, new[] { "skyway", "selat" });
        for (var i = 0; i < 10; i++)
        {
            var (status, later, _) = await PostAsync(client, $$"""{"site":"suara","page":{"section":"news","shown":["{{shownCampaign}}/{{shownCreative}}"]},"slots":[{"id":"lazy","placement":"sidebar"}]}""");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("house", (string)later["slots"]!["lazy"]!["campaignId"]!);
        }

        // Only the campaign named (no creative): its labels still hold against the other airline (the same campaign may
        // show another of its creatives, as on one page). An id the catalog lacks is ignored.
        for (var i = 0; i < 10; i++)
        {
            var (_, named, _) = await PostAsync(client, """{"site":"suara","page":{"shown":["gone-campaign", "skyway"]},"slots":[{"id":"x","placement":"sidebar"}]}""");
            Assert.NotEqual("selat", (string)named["slots"]!["x"]!["campaignId"]!);
        }

        // Without page.shown the airlines win again.
        var (_, fresh, _) = await PostAsync(client, """{"site":"suara","slots":[{"id":"x","placement":"sidebar"}]}""");
        Assert.NotEqual("house", (string)fresh["slots"]!["x"]!["campaignId"]!);
    }

    [Fact]
    public async Task Decide_ARoadblock_FillsEverySlotItListsOrNone_AndExplainSaysWhyItLost()
    {
        var roadblock = TestCatalog.Campaign("takeover", null,
            new Creative { Id = "top", Format = "image", Size = "728x90", ImageUrl = "/creatives/t.svg", Alt = "t", ClickUrl = "https://skyway.example/t" },
            new Creative { Id = "side", Format = "image", Size = "300x250", ImageUrl = "/creatives/s.svg", Alt = "s", ClickUrl = "https://skyway.example/s" }) with
        {
            Roadblock = true,
            Priority = "sponsorship",
        };
        using var factory = new AdsServerFactory(TestCatalog.Document(roadblock, TestCatalog.Campaign("london")));
        var client = factory.CreateClient();
        var admin = factory.CreateAdminClient();

        // The catalog says so, and a page with both its placements gets it in both.
        Assert.True((bool)(await admin.GetReplyAsync("/v1/admin/campaigns/takeover")).Body!["roadblock"]!);
        var (_, both, _) = await PostAsync(client, Page("""[{"id":"t","placement":"article-top"},{"id":"s","placement":"sidebar"}]"""));
        Assert.Equal(["takeover", "takeover"], new[] { (string)both["slots"]!["t"]!["campaignId"]!, (string)both["slots"]!["s"]!["campaignId"]! });

        // With a slot it cannot fill (its targeting leaves out the sidebar), it fills none, and explain says why.
        using var patch = new HttpRequestMessage(HttpMethod.Patch, "/v1/admin/campaigns/takeover") { Content = new StringContent("""{"targeting":"placement != 'sidebar'"}""", Encoding.UTF8, "application/merge-patch+json") };
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(patch)).StatusCode);
        var (_, lost, _) = await PostAsync(client, Page("""[{"id":"t","placement":"article-top"},{"id":"s","placement":"sidebar"}]"""), r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey), "/v1/decisions?explain=true");
        Assert.Equal("london", (string?)lost["slots"]!["s"]?["campaignId"]);
        Assert.NotEqual("takeover", (string?)lost["slots"]!["t"]?["campaignId"]);
        var why = lost["explain"]!["t"]!.AsArray().Single(c => (string)c!["campaignId"]! == "takeover")!;
        Assert.Equal("roadblockIncomplete", (string)why["outcome"]!);
        Assert.Contains("cannot fill slot 's'", (string)why["detail"]!, StringComparison.Ordinal);

        // Alone on a page without its sidebar, it fills the top.
        var (_, alone, _) = await PostAsync(client, Page("""[{"id":"t","placement":"article-top"}]"""));
        Assert.Equal("takeover", (string)alone["slots"]!["t"]!["campaignId"]!);
    }

    [Fact]
    public async Task Decide_RandomlyMangledBodies_NeverGet5xx()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london", "country == 'MY'")));
        var client = factory.CreateClient();
        var valid = Encoding.UTF8.GetBytes(Page("""[{"id":"a","placement":"sidebar"},{"id":"b","placement":"article-top"}]""", ""","kv":{"x":"y"},"user":{"id":"u"},"country":"MY" """));
        var random = new Random(20261129);
        for (var i = 0; i < 300; i++)
        {
            var bytes = (byte[])valid.Clone();
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits; e++)
            {
                bytes[random.Next(bytes.Length)] = (byte)"{}[]\":,0a\\ \u00ff-1nul"[random.Next(17)];
            }

            var length = random.Next(2) == 0 ? bytes.Length : random.Next(bytes.Length);
            using var content = new ByteArrayContent(bytes, 0, length);
            using var response = await client.PostAsync("/v1/decisions", content);
            var seedNote = $"case {i}: {Encoding.UTF8.GetString(bytes, 0, length)}";
            Assert.True((int)response.StatusCode < 500, seedNote);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, seedNote);
        }
    }

    [Fact]
    public async Task Decide_ExplainWithAKeyOfAnotherRole_Is403_AKnownKeyWithoutExplainIsServed_AnUnknownOneIs401()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateClient();
        var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
        using var rotated = await admin.PostAsync("/v1/admin/advertisers/skyway/report-key", null);
        var reportKey = (string)JsonNode.Parse(await rotated.Content.ReadAsStringAsync())!["reportKey"]!;

        var (status, problem, _) = await PostAsync(client, Page(), r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reportKey), "/v1/decisions?explain=true");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("https://suara-ads.example/problems/forbidden", (string?)problem["type"]);

        // Without explain, a known key of a role that may not override is served like a page; an unknown key is
        // refused (a backend with a wrong key must learn of it rather than lose its overrides silently).
        var (okStatus, body, _) = await PostAsync(client, Page(), r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", reportKey));
        Assert.Equal(HttpStatusCode.OK, okStatus);
        Assert.Equal("london", (string?)body["slots"]!["s"]!["campaignId"]);
        var (unknown, unknownProblem, _) = await PostAsync(client, Page(), r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-key-not-a-key"));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown);
        Assert.Equal("https://suara-ads.example/problems/unauthorized", (string?)unknownProblem["type"]);
    }

    [Fact]
    public async Task Decide_Explain_NeedsTheAdminKey()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london"), TestCatalog.Campaign("sport", "section == 'sport'")));
        var client = factory.CreateClient();

        var (status, problem, _) = await PostAsync(client, Page(), path: "/v1/decisions?explain=true");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(401, (int)problem["status"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(client, Page(), r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-key-wrong-key"), "/v1/decisions?explain=true")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, Page(), path: "/v1/decisions?explain=perhaps")).Status);

        var (okStatus, body, _) = await PostAsync(client, Page(), r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey), "/v1/decisions?explain=true");
        Assert.Equal(HttpStatusCode.OK, okStatus);
        var candidates = body["explain"]!["s"]!.AsArray().ToDictionary(c => (string)c!["campaignId"]!, c => c!);
        Assert.Equal("selected", (string)candidates["london"]["outcome"]!);
        Assert.Equal("targeting", (string)candidates["sport"]["outcome"]!);
        Assert.Equal("section == 'sport'", (string)candidates["sport"]["detail"]!);

        // Without explain, no explain member.
        Assert.False((await PostAsync(client, Page())).Body.ContainsKey("explain"));
    }

    [Fact]
    public async Task Decide_ExplainAt_AsksAsOfAnotherTime_AndOnlyADryRunMayMoveTheClock()
    {
        // The server's clock says 04:00 UTC (12:00 in Kuala Lumpur); the night campaign serves from 21:00 there.
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london"), TestCatalog.Campaign("night", "hour >= 21")));
        var client = factory.CreateClient();
        void Admin(HttpRequestMessage r) => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
        string Outcome(JsonObject body, string campaign) => (string)body["explain"]!["s"]!.AsArray().Single(c => (string?)c!["campaignId"] == campaign)!["outcome"]!;

        var now = await PostAsync(client, Page(), Admin, "/v1/decisions?explain=true");
        Assert.Equal("targeting", Outcome(now.Body, "night"));

        // 14:30 UTC is 22:30 in Kuala Lumpur; an offset is honoured as given (22:30+08:00 is the same instant).
        foreach (var at in new[] { "2026-11-30T14:30:00Z", "2026-11-30T22:30:00%2B08:00" })
        {
            var then = await PostAsync(client, Page(), Admin, "/v1/decisions?explain=true&at=" + at);
            Assert.Equal(HttpStatusCode.OK, then.Status);
            Assert.NotEqual("targeting", Outcome(then.Body, "night"));
        }

        // A counted decision is made now: at= is refused outside explain, and a time that is not one is named.
        var counted = await PostAsync(client, Page(), Admin, "/v1/decisions?at=2026-11-30T14:30:00Z");
        Assert.Equal(HttpStatusCode.BadRequest, counted.Status);
        Assert.Contains("only for explain", counted.Body["errors"]!["at"]![0]!.ToString(), StringComparison.Ordinal);
        var garbage = await PostAsync(client, Page(), Admin, "/v1/decisions?explain=true&at=tonight");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, Page(), Admin, "/v1/decisions?explain=true&at=1970-01-01T00:00:00Z")).Status);
    }

    [Fact]
    public async Task Decide_Cors_GrantsPagesOfTheSitesDomainsOnly()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        async Task<string?> PreflightAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/v1/decisions");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
            using var response = await factory.CreateClient().SendAsync(request);
            return response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
        }

        // TestCatalog: site suara lists suara.example; site other lists no domains, so it accepts any page.
        Assert.Equal("https://suara.example", await PreflightAsync("https://suara.example"));
        Assert.Equal("https://www.suara.example", await PreflightAsync("https://www.suara.example"));
    }

    [Fact]
    public async Task Decide_FromAPageOutsideTheSitesDomains_Is403WithoutCorsGrant()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateClient();
        foreach (var (header, value, allowed) in new[]
        {
            ("Origin", "https://suara.example", true),
            ("Origin", "https://news.suara.example", true),
            ("Referer", "https://suara.example/news/a", true),
            ("Origin", "https://evil.example", false),
            ("Origin", "https://notsuara.example", false),
            ("Origin", "https://suara.example.evil.example", false),
            ("Referer", "https://evil.example/suara.example", false),
            ("Origin", "null", false),
        })
        {
            var (status, body, _) = await PostAsync(client, Page(), r => r.Headers.TryAddWithoutValidation(header, value));
            Assert.Equal(allowed ? HttpStatusCode.OK : HttpStatusCode.Forbidden, status);
            if (!allowed)
            {
                Assert.Equal("https://suara-ads.example/problems/foreign-origin", (string?)body["type"]);
            }
        }

        using var foreign = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(Page()) };
        foreign.Headers.Add("Origin", "https://evil.example");
        using var refused = await client.SendAsync(foreign);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));

        // Nothing was served to the foreign pages: the served count is the three allowed ones.
        await factory.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        Assert.Equal(3, await CounterReader.SumAsync(factory, "london", 's'));
    }

    [Fact]
    public async Task Health_ReadyWithCatalog()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var ready = JsonNode.Parse(await client.GetStringAsync("/readyz"))!;
        Assert.Equal("ready", (string)ready["status"]!);
        Assert.Equal(1, (int)ready["campaigns"]!);
    }

    [Fact]
    public async Task UnknownRoute_Is404Problem()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document());
        using var response = await factory.CreateClient().GetAsync("/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(404, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));

        using var wrongType = await factory.CreateClient().PostAsync("/v1/decisions", new ByteArrayContent([1, 2]) { Headers = { ContentType = new("application/octet-stream") } });
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.False(string.IsNullOrEmpty((string?)JsonNode.Parse(await wrongType.Content.ReadAsStringAsync())!["detail"]));
    }

    [Fact]
    public async Task DemoCreatives_AreServedAsSvg()
    {
        using var factory = new AdsServerFactory();
        var document = await Suara.Ads.Server.Catalog.CatalogSeedLoader.ReadAsync("demo", default);
        var client = factory.CreateClient();
        var images = document.Campaigns.SelectMany(c => c.Creatives).Where(c => c.Format == "image").Select(c => c.ImageUrl!).Distinct().ToArray();
        Assert.NotEmpty(images);
        foreach (var image in images)
        {
            using var response = await client.GetAsync(image);
            Assert.True(response.IsSuccessStatusCode, image);
            Assert.Equal("image/svg+xml", response.Content.Headers.ContentType?.MediaType);
        }
    }
}
