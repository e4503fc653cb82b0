using System.Net;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>The headers of the pages and scripts, through the real pipeline; the demo site only when allowed.</summary>
public sealed class PageSecurityTests
{
    private static async Task<HttpResponseMessage> GetAsync(AdsServerFactory factory, string path) =>
        await factory.CreateClient(new() { AllowAutoRedirect = false }).GetAsync(new Uri(path, UriKind.Relative));

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : "";

    [Theory]
    [InlineData("/console/index.html")]
    [InlineData("/console/console.js")]
    [InlineData("/console/console.css")]
    [InlineData("/reports/index.html")]
    [InlineData("/reports/reports.js")]
    public async Task TheConsoleAndTheReports_RunOnlyTheirOwnScript_CannotBeFramed_AndSendNoReferrer(string path)
    {
        using var factory = new AdsServerFactory();
        using var response = await GetAsync(factory, path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var policy = Header(response, "Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal); // no inline script, no other origin
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
    }

    [Fact]
    public async Task TheScriptAndTheDemoArtwork_CarryTheirHeaders()
    {
        using var factory = new AdsServerFactory();
        using var script = await GetAsync(factory, "/ads.js");
        Assert.Equal("nosniff", Header(script, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(script, "Referrer-Policy"));

        using var svg = await GetAsync(factory, "/creatives/house-newsletter-300x250.svg");
        Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
        Assert.Contains("sandbox", Header(svg, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(svg, "X-Content-Type-Options"));
    }

    [Fact]
    public async Task TheDemo_IsServedWithTheDemoSeed_NotOtherwise_UnlessAdsDemoSaysSo()
    {
        using (var demo = new AdsServerFactory())
        {
            using var page = await GetAsync(demo, "/demo/index.html");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("frame-ancestors 'self'", Header(page, "Content-Security-Policy"), StringComparison.Ordinal);
            Assert.Equal("strict-origin-when-cross-origin", Header(page, "Referrer-Policy"));
            Assert.Equal(HttpStatusCode.Redirect, (await GetAsync(demo, "/demo")).StatusCode);
        }

        using (var production = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london"))))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(production, "/demo/index.html")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(production, "/demo/demo.css")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(production, "/demo")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(production, "/console/index.html")).StatusCode); // the rest is served
        }

        using var asked = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")), settings: new Dictionary<string, string?> { ["Ads:Demo"] = "true" });
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(asked, "/demo/index.html")).StatusCode);
    }
}
