using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>Hosted creative files: uploaded through the admin API, told by their bytes, served by every instance with immutable caching, SVG without script.</summary>
public sealed class AssetTests
{
    private static readonly byte[] s_png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];

    private const string Svg = """<svg xmlns="http://www.w3.org/2000/svg" width="300" height="250"><rect width="300" height="250" fill="#0b6"/><script>alert(1)</script></svg>""";

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> UploadAsync(HttpClient client, byte[] bytes, string contentType)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        using var response = await client.PostAsync("/v1/admin/assets", content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    [Fact]
    public async Task Upload_IsStoredByContent_AndServedByEveryInstance_ImmutableCached()
    {
        TestRedis.Connect().Dispose();
        var catalog = TestCatalog.Document(); // no campaign: the one made below is the only one to serve
        using var a = new AdsServerFactory(catalog);
        using var b = new AdsServerFactory(catalog, keyPrefix: a.KeyPrefix);
        var (status, body) = await UploadAsync(a.CreateAdminClient(), s_png, "image/png");
        Assert.Equal(HttpStatusCode.Created, status);
        var url = (string)body!["url"]!;
        Assert.Matches("^/assets/[0-9a-f]{64}\\.png$", url);

        // The same bytes again are the same asset.
        Assert.Equal(url, (string)(await UploadAsync(a.CreateAdminClient(), s_png, "image/png")).Body!["url"]!);

        using var served = await b.CreateClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(s_png, await served.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Contains("immutable", served.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromDays(365), served.Headers.CacheControl?.MaxAge);
        Assert.NotNull(served.Headers.ETag);
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());

        Assert.Equal(HttpStatusCode.NotFound, (await b.CreateClient().GetAsync("/assets/" + new string('0', 64) + ".png")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await b.CreateClient().GetAsync("/assets/..%2Fsecret")).StatusCode);

        // It serves as a creative's image.
        var campaign = AdminHttp.Campaign();
        campaign["creatives"]![0]!["imageUrl"] = url;
        (await a.CreateAdminClient().PutAsync("/v1/admin/campaigns/hosted", campaign)).Expect(HttpStatusCode.Created);
        var html = await (await a.CreateClient().PostAsync("/v1/decisions", new StringContent("""{"site":"suara","slots":[{"id":"s","placement":"sidebar"}]}""", System.Text.Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync();
        Assert.Contains(url, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Svg_IsServedSoThatItCannotRunScript()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var (status, body) = await UploadAsync(factory.CreateAdminClient(), System.Text.Encoding.UTF8.GetBytes(Svg), "image/svg+xml");
        Assert.Equal(HttpStatusCode.Created, status);

        using var served = await factory.CreateClient().GetAsync((string)body!["url"]!);
        Assert.Equal("image/svg+xml", served.Content.Headers.ContentType?.MediaType);
        var policy = served.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("sandbox", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("png-as-jpeg", "image/jpeg", HttpStatusCode.BadRequest)]
    [InlineData("text-as-png", "image/png", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("pdf", "application/pdf", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("html-as-svg", "image/svg+xml", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("entity-bomb-as-svg", "image/svg+xml", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("too-large", "image/png", HttpStatusCode.BadRequest)]
    [InlineData("empty", "image/png", HttpStatusCode.BadRequest)]
    public async Task Upload_NotWhatItSays_OrTooLarge_IsRefused(string what, string contentType, HttpStatusCode expected)
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var bytes = what switch
        {
            "png-as-jpeg" => s_png,
            "text-as-png" or "pdf" => "%PDF-1.7 not an image"u8.ToArray(),
            "html-as-svg" => "<html><body>hi</body></html>"u8.ToArray(),
            "entity-bomb-as-svg" => """<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>"""u8.ToArray(),
            "too-large" => [.. s_png, .. new byte[200 * 1024]],
            _ => [],
        };

        var (status, body) = await UploadAsync(factory.CreateAdminClient(), bytes, contentType);
        Assert.Equal(expected, status);
        Assert.False(string.IsNullOrEmpty((string?)body?["detail"]));
    }

    [Fact]
    public async Task Upload_NeedsAKeyThatMayChangeTheCatalog()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await UploadAsync(factory.CreateClient(), s_png, "image/png")).Status);
        using var created = await factory.CreateAdminClient().PostAsync("/v1/admin/keys", new StringContent("""{"name":"reader","role":"reporter"}""", System.Text.Encoding.UTF8, "application/json"));
        var reporter = factory.CreateClient();
        reporter.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["key"]!);
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(reporter, s_png, "image/png")).Status);
    }
}

/// <summary>A creative's preview: the markup a page would get, counting nothing.</summary>
public sealed class CreativePreviewTests
{
    [Fact]
    public async Task Preview_IsTheServedMarkup_WithTheLandingPage_AndCountsNothing()
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var admin = factory.CreateAdminClient();
        using var response = await admin.GetAsync("/v1/admin/campaigns/london/creatives/side/preview");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();

        // The same markup as a decision's, its catalog text encoded, its link the landing page itself.
        Assert.Contains("href='https://skyway.example/london?a=1&amp;b=2'", html, StringComparison.Ordinal);
        Assert.Contains("alt='Fly &lt;London&gt; &amp; &quot;more&quot;'", html, StringComparison.Ordinal);
        Assert.Contains("width='300' height='250'", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/v1/events/", html, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        // Nothing was counted: no counter, delivery or de-duplication key exists for the campaign.
        await factory.Services.GetRequiredService<Suara.Ads.Server.Events.CountingFlusher>().FlushAsync();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: factory.KeyPrefix + "{c:london}*"))
        {
            keys.Add((string)key!);
        }

        Assert.Empty(keys);
    }

    [Fact]
    public async Task Preview_UnknownCreative_Is404_AndNeedsAKey()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateAdminClient().GetAsync("/v1/admin/campaigns/london/creatives/none/preview")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateAdminClient().GetAsync("/v1/admin/campaigns/nowhere/creatives/side/preview")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.CreateClient().GetAsync("/v1/admin/campaigns/london/creatives/side/preview")).StatusCode);
    }
}
