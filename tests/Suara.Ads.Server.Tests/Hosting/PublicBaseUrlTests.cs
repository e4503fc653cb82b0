using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>
/// Links in creatives (clicks, beacons, images) are never built from the request's Host header outside Development:
/// there <c>Ads:PublicBaseUrl</c> is required at start, and used whatever Host a request names.
/// </summary>
public sealed partial class PublicBaseUrlTests
{
    private const string ForeignHost = "attacker.example";

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public void Start_OutsideDevelopmentWithoutPublicBaseUrl_FailsNamingTheKey(string environment)
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        using var host = factory.WithWebHostBuilder(b => b.UseEnvironment(environment).UseSetting("Ads:PublicBaseUrl", ""));

        var error = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        var validation = Find<OptionsValidationException>(error);
        Assert.NotNull(validation);
        var message = string.Join("\n", validation.Failures);
        Assert.Contains($"Ads:PublicBaseUrl is required in the {environment} environment", message, StringComparison.Ordinal);
        Assert.Contains("Ads__PublicBaseUrl=https://ads.example", message, StringComparison.Ordinal);
        Assert.Contains("Host header", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_InProductionWithPublicBaseUrl_LinksUseIt_WhateverTheHostHeader()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        using var host = factory.WithWebHostBuilder(b => b.UseEnvironment("Production").UseSetting("Ads:PublicBaseUrl", "https://ads.example/"));
        var client = host.CreateClient();

        var html = await DecideAsync(client, ForeignHost);
        var links = AbsoluteLinks(html);
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.StartsWith("https://ads.example/", l, StringComparison.Ordinal));
        Assert.DoesNotContain(ForeignHost, html, StringComparison.OrdinalIgnoreCase);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/slot.html?site=suara&placement=sidebar");
        request.Headers.Host = ForeignHost;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.Content.ReadAsStringAsync();
        Assert.NotEmpty(AbsoluteLinks(document));
        Assert.All(AbsoluteLinks(document), l => Assert.StartsWith("https://ads.example/", l, StringComparison.Ordinal));
        Assert.DoesNotContain(ForeignHost, document, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Decide_InDevelopmentWithoutPublicBaseUrl_LinksUseTheRequestHost()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        using var host = factory.WithWebHostBuilder(b => b.UseEnvironment("Development").UseSetting("Ads:PublicBaseUrl", ""));

        var html = await DecideAsync(host.CreateClient(), "dev.localhost:5000");

        Assert.NotEmpty(AbsoluteLinks(html));
        Assert.All(AbsoluteLinks(html), l => Assert.StartsWith("http://dev.localhost:5000/", l, StringComparison.Ordinal));
    }

    private static async Task<string> DecideAsync(HttpClient client, string hostHeader)
    {
        const string Body = """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}],"user":{"id":"reader-1"}}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Headers.Host = hostHeader;
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!["s"]!["html"]!;
    }

    private static List<string> AbsoluteLinks(string html) => AbsoluteLink().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private static T? Find<T>(Exception? error)
        where T : Exception
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is T found)
            {
                return found;
            }

            if (error is AggregateException aggregate && aggregate.InnerExceptions.Select(Find<T>).FirstOrDefault(e => e is not null) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    [GeneratedRegex("""(?:src|href)=['"](https?://[^'"]+)""")]
    private static partial Regex AbsoluteLink();
}
