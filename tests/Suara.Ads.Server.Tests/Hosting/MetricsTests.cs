using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Suara.Ads.Server.Tests.Catalog;
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
    public async Task Metrics_CountRateLimitedRequests_AndTellTheCatalogsRebuildAndFreshness()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")), settings: new Dictionary<string, string?> { ["Ads:Traffic:DecisionsPerMinute"] = "2" });
        var client = factory.CreateClient();
        var refused = 0;
        for (var i = 0; i < 30; i++) // a burst of 20 is allowed at once
        {
            using var response = await client.PostAsync("/v1/decisions", new StringContent("""{"site":"suara","slots":[{"id":"s","placement":"sidebar"}]}""", Encoding.UTF8, "application/json"));
            refused += response.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.True(refused > 0);
        var text = await factory.CreateClient().GetStringAsync("/metrics");
        Assert.Matches($@"(?m)^suara_ads_rate_limited_total\{{[^}}]*endpoint=""decisions""[^}}]*\}} {refused}\b", text);

        // A change made through another instance is rebuilt here (and timed); the instance confirms its catalog
        // current every second.
        using (var other = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")), keyPrefix: factory.KeyPrefix))
        {
            (await other.CreateAdminClient().PutAsync("/v1/admin/campaigns/kopi", AdminHttp.Campaign())).Expect(HttpStatusCode.Created);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!System.Text.RegularExpressions.Regex.IsMatch(text, @"(?m)^suara_ads_catalog_rebuild_duration_seconds_count(\{[^}]*\})? [1-9]\d*\b") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            text = await factory.CreateClient().GetStringAsync("/metrics");
        }

        Assert.Matches(@"(?m)^suara_ads_catalog_rebuild_duration_seconds_count(\{[^}]*\})? [1-9]\d*\b", text);
        var age = System.Text.RegularExpressions.Regex.Match(text, @"(?m)^suara_ads_catalog_sync_age_seconds(?:\{[^}]*\})? (\S+)");
        Assert.True(age.Success, "no catalog sync age");
        Assert.InRange(double.Parse(age.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 60);
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
