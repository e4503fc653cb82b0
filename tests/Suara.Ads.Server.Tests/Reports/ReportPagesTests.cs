using System.Net;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Reports;

/// <summary><c>GET /reports</c>: the report pages for people are static files behind one redirect.</summary>
public sealed class ReportPagesTests
{
    [Fact]
    public async Task Reports_RedirectsToTheStaticPage()
    {
        using var factory = new AdsServerFactory();
        var client = factory.CreateClient(new() { AllowAutoRedirect = false });
        foreach (var path in new[] { "/reports", "/reports/" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/reports/index.html", response.Headers.Location?.OriginalString);
        }
    }

    [Theory]
    [InlineData("/reports/index.html", "text/html", "<script defer src=\"reports.js\"></script>")]
    [InlineData("/reports/reports.js", "text/javascript", "/v1/reports/")]
    [InlineData("/reports/reports.css", "text/css", ".chart-svg")]
    public async Task ReportPage_Files_AreServedWithTheirContentTypes(string path, string mediaType, string contains)
    {
        using var factory = new AdsServerFactory();

        using var response = await factory.CreateClient().GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(contains, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportScript_NeverWritesMarkupOrPutsTheKeyInTheUrl()
    {
        using var factory = new AdsServerFactory();

        var script = await factory.CreateClient().GetStringAsync(new Uri("/reports/reports.js", UriKind.Relative));

        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("insertAdjacentHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("document.write", script, StringComparison.Ordinal);
        Assert.DoesNotContain("localStorage", script, StringComparison.Ordinal);
        Assert.Contains("sessionStorage", script, StringComparison.Ordinal);
        Assert.Contains("Authorization: 'Bearer '", script, StringComparison.Ordinal);
    }
}
