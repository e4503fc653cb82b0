using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>
/// Runs alone: OpenTelemetry listens to meters by name, so another test host in the same process would add to
/// these counts.
/// </summary>
[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsTestsCollection;

[Collection(nameof(MetricsTests))]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_ExposesDecisionsEventsAndPendingInPrometheusText()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateClient();
        using var decision = await client.PostAsync("/v1/decisions", new StringContent(
            """{"site":"suara","slots":[{"id":"s","placement":"sidebar"},{"id":"t","placement":"article-top"}]}""", Encoding.UTF8, "application/json"));
        var slot = JsonNode.Parse(await decision.Content.ReadAsStringAsync())!["slots"]!["s"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync((string)slot["impressionUrl"]!)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync((string)slot["impressionUrl"]!)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/v1/events/bogus")).StatusCode);

        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Matches(@"(?m)^suara_ads_decisions_total(\{[^}]*\})? 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_slots_total\{[^}]*result=""filled""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_slots_total\{[^}]*result=""empty""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""accepted""[^}]*type=""impression""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""duplicate""[^}]*type=""impression""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""invalid""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_events_pending(\{[^}]*\})? \d+", text);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);

        // Decision latency in buckets from 25 µs (a decision takes well under a millisecond), by outcome: one page,
        // its sidebar filled and its top empty.
        Assert.Matches(@"(?m)^suara_ads_decision_duration_seconds_count\{[^}]*outcome=""partial""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_decision_duration_seconds_bucket\{[^}]*le=""2\.5[eE]-0?5""[^}]*\} [01]\b", text);
        Assert.Matches(@"(?m)^suara_ads_decision_duration_seconds_bucket\{[^}]*le=""0\.1""[^}]*\} 1\b", text);
    }

    [Fact]
    public async Task Metrics_CountInvalidTrafficByTypeAndReason()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var bot = factory.CreateClient();
        bot.DefaultRequestHeaders.UserAgent.Clear();
        bot.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)");
        var slot = await Pages.ServeAsync(bot);
        Assert.NotNull(slot);
        await Pages.BeaconAsync(bot, slot.ImpressionUrl);
        var reader = factory.CreateClient();
        var shown = await Pages.ServeAsync(reader);
        await Pages.BeaconAsync(reader, shown!.ViewableUrl); // no impression yet: found by the counting script
        await CounterReader.FlushAndReadAsync(factory, "london");

        var text = await factory.CreateClient().GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^suara_ads_invalid_total\{[^}]*reason=""bot""[^}]*type=""decision""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_invalid_total\{[^}]*reason=""bot""[^}]*type=""impression""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_invalid_total\{[^}]*reason=""noImpression""[^}]*type=""viewable""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""filtered""[^}]*type=""impression""[^}]*\} 1\b", text);
    }
}
