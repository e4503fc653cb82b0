using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Delivery;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Events;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Decisions;

public sealed partial class SlotHtmlApiTests
{
    private const string Hostile = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(AdsServerFactory factory, string path)
    {
        var response = await factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync(new Uri(path, UriKind.Relative));
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string Query(string value) => Uri.EscapeDataString(value);

    [Fact]
    public async Task RenderSlot_Filled_ReturnsADocumentWithTrackedLinkAndImpressionPixel_AndOnlyItsOwnScript()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));

        var (response, body) = await GetAsync(factory, "/v1/slot.html?site=suara&placement=sidebar&section=news&user=v7");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.StartsWith("<!doctype html>", body, StringComparison.Ordinal);
        var data = FrameData(response, body);
        Assert.Equal("filled", (string)data["status"]!);
        Assert.Equal((300, 250), ((int)data["width"]!, (int)data["height"]!));
        Assert.StartsWith("https://ads.example/v1/events/", (string)data["viewable"]!, StringComparison.Ordinal);

        // The creative, encoded, with its link through the click URL.
        Assert.Contains("alt='Fly &lt;London&gt; &amp; &quot;more&quot;'", body, StringComparison.Ordinal);
        Assert.Contains("src='https://ads.example/creatives/x.svg'", body, StringComparison.Ordinal);
        var codec = new EventTokenCodec(AdsServerFactory.SigningKey);
        var click = Assert.Single(TrackedUrls(body, "href"));
        var pixel = Assert.Single(TrackedUrls(body, "src"));
        foreach (var (url, type) in new[] { (click, EventType.Click), (pixel, EventType.Impression) })
        {
            Assert.StartsWith("https://ads.example/v1/events/", url, StringComparison.Ordinal);
            Assert.Equal(EventTokenStatus.Valid, codec.Verify(url["https://ads.example/v1/events/".Length..], factory.Time.GetUtcNow(), out var claims));
            Assert.Equal(type, claims!.Type);
            Assert.Equal(("london", "side", "sidebar", "suara", factory.Services.GetRequiredService<ViewerDigest>().Of("v7")), (claims.Campaign, claims.Creative, claims.Placement, claims.Site, claims.Viewer));
        }

        Assert.Matches("<img src=\"https://ads.example/v1/events/[^\"]+\" width=\"1\" height=\"1\" alt=\"\"", body);
    }

    [Fact]
    public async Task RenderSlot_HtmlCreative_IsInASandboxedIframe()
    {
        var creative = new Creative { Id = "h", Format = "html", Size = "300x250", Html = "<a href=\"{{CLICK_URL}}\">Fly</a>", ClickUrl = "https://skyway.example/" };
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("html", null, creative)));

        var (response, body) = await GetAsync(factory, "/v1/slot.html?site=suara&placement=sidebar");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<iframe sandbox='allow-scripts allow-popups allow-popups-to-escape-sandbox'", body, StringComparison.Ordinal);
        Assert.Contains("href=&quot;https://ads.example/v1/events/", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderSlot_NothingEligible_ReturnsEmptyDocument()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london", "section == 'sport'")));

        var (response, body) = await GetAsync(factory, "/v1/slot.html?site=suara&placement=sidebar&section=news");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<img", body, StringComparison.Ordinal);
        Assert.DoesNotContain("/v1/events/", body, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        var data = FrameData(response, body); // the page that frames it is told: it may collapse the frame
        Assert.Equal("empty", (string)data["status"]!);
        Assert.Null(data["viewable"]);
    }

    [Fact]
    public async Task RenderSlot_QueryFields_ReachTargeting()
    {
        const string Rule = "section == 'tech' and keywords contains 'gadget' and path startswith '/reviews/' and language == 'ms'";
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("t", Rule)));
        const string Base = "/v1/slot.html?site=suara&placement=sidebar&section=tech&language=ms";

        var (_, filled) = await GetAsync(factory, Base + "&keywords=phones,%20Gadget&url=" + Query("https://suara.example/reviews/x"));
        var (_, otherPath) = await GetAsync(factory, Base + "&keywords=gadget&url=" + Query("https://suara.example/news/x"));
        var (_, noKeyword) = await GetAsync(factory, Base + "&keywords=phones&url=" + Query("https://suara.example/reviews/x"));

        Assert.Contains("/v1/events/", filled, StringComparison.Ordinal);
        Assert.DoesNotContain("/v1/events/", otherPath, StringComparison.Ordinal);
        Assert.DoesNotContain("/v1/events/", noKeyword, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderSlot_NoUrlParameter_TakesThePageFromTheReferer()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("r", "path startswith '/travel/'")));
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/slot.html?site=suara&placement=sidebar");
        request.Headers.Referrer = new Uri("https://suara.example/travel/langkawi");

        using var response = await client.SendAsync(request);

        Assert.Contains("/v1/events/", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenderSlot_FramedOnAPageOutsideTheSitesDomains_Is403WithAnEmptyDocument_AndServesNothing()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/slot.html?site=suara&placement=sidebar");
        request.Headers.Referrer = new Uri("https://evil.example/article");

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType); // the reader sees an empty slot, not an error
        Assert.DoesNotContain("/v1/events/", body, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", body, StringComparison.Ordinal);
        var (totals, _) = await CounterReader.FlushAndReadAsync(factory, "london");
        Assert.Equal(0, totals['s']);
    }

    [Fact]
    public async Task RenderSlot_HostileQueryValues_AreNeverEchoed()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var hostile = Query(Hostile);

        var (response, body) = await GetAsync(factory, $"/v1/slot.html?site=suara&placement=sidebar&section={hostile}&keywords={hostile}&url={hostile}&user={hostile}&language={hostile}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("alert", body, StringComparison.Ordinal);
        FrameData(response, body); // no script but the frame's own
    }

    /// <summary>
    /// Checks that the document's only scripts are its JSON data block and the frame script the policy allows by its
    /// hash (nothing inline is allowed otherwise), and returns the data.
    /// </summary>
    private static JsonNode FrameData(HttpResponseMessage response, string body)
    {
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        var scripts = System.Text.RegularExpressions.Regex.Matches(body, "<script([^>]*)>(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(body, "<script", System.Text.RegularExpressions.RegexOptions.IgnoreCase).Count);
        Assert.Equal(2, scripts.Count);
        Assert.Equal(" type=\"application/json\" id=\"suara-slot\"", scripts[0].Groups[1].Value);
        Assert.Equal("", scripts[1].Groups[1].Value);
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(scripts[1].Groups[2].Value)));
        Assert.Contains($"script-src 'sha256-{hash}';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline'; img", csp, StringComparison.Ordinal);
        return JsonNode.Parse(scripts[0].Groups[2].Value)!;
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "placement=sidebar", "site" },
        { "site=suara", "placement" },
        { "site=nowhere&placement=sidebar", "site" },
        { "site=suara&placement=nowhere", "placement" },
        { "site=suara&placement=elsewhere", "placement" },
        { "site=suara&placement=sidebar&placement=article-top", "placement" },
        { "site=suara&placement=sidebar&section=" + new string('a', 513), "section" },
        { "site=suara&placement=sidebar&url=" + new string('a', 513), "url" },
        { "site=suara&placement=sidebar&user=" + new string('a', 513), "user" },
        { "site=suara&placement=sidebar&keywords=" + string.Join(',', Enumerable.Range(0, 51)), "keywords" },
        { "site=suara&placement=" + Query(Hostile), "placement" },
        { "site=suara&placement=sidebar&sizes=728x90", "sizes" },
        { "site=suara&placement=sidebar&sizes=big", "sizes" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task RenderSlot_BadInput_InAFrame_ShowsReadersNothing(string query, string field)
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/slot.html?" + query);
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"); // what a browser's frame asks for
        using var response = await factory.CreateClient().SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode); // visible in the developer tools, not on the page
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var visible = System.Text.RegularExpressions.Regex.Replace(body, "<script[^>]*>.*?</script>", "", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.EndsWith("<body></body></html>", visible, StringComparison.Ordinal); // nothing for a reader to see, no message
        Assert.DoesNotContain("alert", body, StringComparison.Ordinal);
        Assert.DoesNotContain(field == "sizes" ? "728x90" : "aaaa", body, StringComparison.Ordinal); // nothing of the query either
        Assert.Equal("error", (string)FrameData(response, body)["status"]!);
    }

    [Fact]
    public async Task RenderSlot_Sizes_AskOnlyForThoseSizes()
    {
        using var factory = new AdsServerFactory(); // the demo catalog: its leaderboard takes 728x90 and 320x50
        for (var i = 0; i < 6; i++)
        {
            var (response, body) = await GetAsync(factory, "/v1/slot.html?site=suara&placement=article-top&section=news&sizes=320x50&user=v" + i);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var data = FrameData(response, body);
            Assert.Equal("filled", (string)data["status"]!);
            Assert.Equal((320, 50), ((int)data["width"]!, (int)data["height"]!));
        }
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task RenderSlot_BadInput_Returns400Problem(string query, string field)
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));

        var (response, body) = await GetAsync(factory, "/v1/slot.html?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal(400, (int)problem["status"]!);
        Assert.Equal("https://suara-ads.example/problems/validation", (string?)problem["type"]);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(field), body);
    }

    [Fact]
    public async Task Demo_Root_RedirectsToTheArticle()
    {
        using var factory = new AdsServerFactory();
        foreach (var path in new[] { "/demo", "/demo/" })
        {
            var (response, _) = await GetAsync(factory, path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/demo/index.html", response.Headers.Location?.OriginalString);
        }

        var (page, html) = await GetAsync(factory, "/demo/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<script async src=\"/ads.js\" data-site=\"suara\"></script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdsJs_IsServedMinified_Within12KiB_And5KiBGzipped_WithAnETag()
    {
        using var factory = new AdsServerFactory();
        var client = factory.CreateClient();

        var response = await client.GetAsync(new Uri("/ads.js", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        Assert.InRange(bytes.Length, 1, 12 * 1024);
        using (var gzipped = new MemoryStream())
        {
            using (var gzip = new System.IO.Compression.GZipStream(gzipped, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            {
                gzip.Write(bytes);
            }

            Assert.InRange(gzipped.Length, 1, 5 * 1024);
        }

        // Smaller than its source, which is served as written for reading; a page that has it asks again for nothing.
        var source = await client.GetByteArrayAsync(new Uri("/ads.src.js", UriKind.Relative));
        Assert.True(bytes.Length < source.Length * 0.8, $"{bytes.Length} of {source.Length}");
        Assert.StartsWith("/*! Suara Ads page script.", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/ads.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", response.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    // Attributes quoted either way: the creative's markup uses ' (see CreativeMarkup), the page around it ".
    private static IEnumerable<string> TrackedUrls(string html, string attribute) =>
        AttributeRegex().Matches(html).Select(m => (Name: m.Groups[1].Value, Value: m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value))
            .Where(a => a.Name == attribute && a.Value.Contains("/v1/events/", StringComparison.Ordinal))
            .Select(a => WebUtility.HtmlDecode(a.Value));

    [GeneratedRegex("""\s(href|src)=(?:"([^"]*)"|'([^']*)')""")]
    private static partial Regex AttributeRegex();
}
