using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
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
            """{"site":"suara","slots":[{"id":"s","placement":"sidebar"},{"id":"t","placement":"article-top"},{"id":"u","placement":"<nowhere-xyz>"}]}""", Encoding.UTF8, "application/json"));
        var slot = JsonNode.Parse(await decision.Content.ReadAsStringAsync())!["slots"]!["s"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync((string)slot["impressionUrl"]!)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync((string)slot["impressionUrl"]!)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/v1/events/bogus")).StatusCode);

        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Matches(@"(?m)^suara_ads_decisions_total(\{[^}]*\})? 1\b", text);
        // Slots by placement: a placement the catalog does not know is never a label of its own.
        Assert.Matches(@"(?m)^suara_ads_slots_total\{[^}]*placement=""sidebar"",result=""filled""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_slots_total\{[^}]*placement=""article-top"",result=""empty""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_slots_total\{[^}]*placement=""unknown"",result=""error""[^}]*\} 1\b", text);
        Assert.DoesNotContain("nowhere-xyz", text, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""accepted""[^}]*type=""impression""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""duplicate""[^}]*type=""impression""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""forged""[^}]*type=""unknown""[^}]*\} 1\b", text);

        // Fixed series start at zero, so a rate or an alert sees the first one.
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""expired""[^}]*type=""click""[^}]*\} 0\b", text);
        Assert.Matches(@"(?m)^suara_ads_rate_limited_total\{[^}]*endpoint=""slot""[^}]*\} 0\b", text);
        Assert.Matches(@"(?m)^suara_ads_flush_batches_total\{[^}]*result=""failed""[^}]*\} 0\b", text);
        Assert.Matches(@"(?m)^suara_ads_invalid_total\{[^}]*reason=""flood""[^}]*type=""decision""[^}]*\} 0\b", text);
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

    [Fact]
    public async Task Metrics_CountExpiredAndFutureBeaconsApart()
    {
        var catalog = TestCatalog.Document(TestCatalog.Campaign("london"));
        using var factory = new AdsServerFactory(catalog);
        var client = factory.CreateClient();
        var now = factory.Time.GetUtcNow();

        // A token issued two hours ahead (another instance whose clock runs fast: the same signing key) is from the future here.
        string ahead;
        using (var fast = new AdsServerFactory(catalog, now: now.AddHours(2)))
        {
            ahead = (await Pages.ServeAsync(fast.CreateClient()))!.ViewableUrl;
        }

        Assert.Equal(HttpStatusCode.BadRequest, await Pages.BeaconAsync(client, ahead));
        var old = (await Pages.ServeAsync(client))!.ClickUrl;
        factory.Time.Advance(TimeSpan.FromHours(25));
        Assert.Equal(HttpStatusCode.Gone, await Pages.BeaconAsync(client, old));

        var text = await client.GetStringAsync("/metrics");
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""future""[^}]*type=""viewable""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""expired""[^}]*type=""click""[^}]*\} 1\b", text);
        Assert.Matches(@"(?m)^suara_ads_events_total\{[^}]*result=""forged""[^}]*\} 0\b", text);
    }

    [Fact]
    public async Task Metrics_TellTheBacklogsAgeFlushesAndRedisRoundTrips_ThroughARedisOutage()
    {
        using var redisProcess = new RedisProcess();
        var campaign = TestCatalog.Campaign("london") with { Goal = new Core.Catalog.CampaignGoal { Impressions = 1_000, Per = "flight" } };
        // Flushed by the test alone: the clock is moved to age the backlog.
        using var factory = new AdsServerFactory(TestCatalog.Document(campaign), redis: redisProcess.Configuration, settings: new Dictionary<string, string?> { ["Ads:FlushInterval"] = "00:01:00" });
        var client = factory.CreateClient();
        var flusher = factory.Services.GetRequiredService<Server.Events.CountingFlusher>();
        var ledger = factory.Services.GetRequiredService<Server.Delivery.RedisDeliveryLedger>();

        // While Redis answers: the backlog waits only until the flush, which writes its batches.
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, (await Pages.ServeAsync(client))!.ImpressionUrl));
        factory.Time.Advance(TimeSpan.FromSeconds(7));
        var text = await client.GetStringAsync("/metrics");
        Assert.Equal(7, Value(text, "suara_ads_events_oldest_pending_seconds"), 3);
        await flusher.FlushAsync();
        Assert.True(await ledger.RefreshAsync());
        await factory.Services.GetRequiredService<Server.Catalog.CatalogSync>().CheckAsync();
        text = await client.GetStringAsync("/metrics");
        Assert.Equal(0, Value(text, "suara_ads_events_oldest_pending_seconds"));
        var written = Value(text, @"suara_ads_flush_batches_total\{[^}]*result=""written""[^}]*\}");
        Assert.True(written >= 2, $"{written} batches written (the campaign's and the site's)");
        Assert.True(Value(text, "suara_ads_flush_duration_seconds_count") >= 1);
        Assert.Equal(0, Value(text, "suara_ads_delivery_age_seconds"), 3);
        foreach (var operation in (string[])["flush", "delivery_read", "catalog_check"])
        {
            // In buckets from 100 µs: a round trip on loopback takes well under a millisecond.
            var count = Value(text, $@"suara_ads_redis_duration_seconds_count\{{[^}}]*operation=""{operation}""[^}}]*\}}");
            Assert.True(count >= 1, operation);
            Assert.InRange(Value(text, $@"suara_ads_redis_duration_seconds_bucket\{{[^}}]*operation=""{operation}""[^}}]*le=""0\.0001""\}}"), 0, count);
            Assert.Equal(count, Value(text, $@"suara_ads_redis_duration_seconds_bucket\{{[^}}]*operation=""{operation}""[^}}]*le=""5""\}}"));
        }

        // Redis away: the batches are deferred, the backlog and the delivery totals grow old.
        redisProcess.Stop();
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, (await Pages.ServeAsync(client))!.ImpressionUrl));
        await flusher.FlushAsync();
        factory.Time.Advance(TimeSpan.FromSeconds(45));
        await flusher.FlushAsync();
        Assert.False(await ledger.RefreshAsync());
        text = await client.GetStringAsync("/metrics");
        // Deferred when the connection already knows Redis is away, failed when a write found out.
        Assert.True(Value(text, @"suara_ads_flush_batches_total\{[^}]*result=""deferred""[^}]*\}") + Value(text, @"suara_ads_flush_batches_total\{[^}]*result=""failed""[^}]*\}") >= 2);
        Assert.Equal(45, Value(text, "suara_ads_events_oldest_pending_seconds"), 3);
        Assert.True(Value(text, "suara_ads_delivery_age_seconds") >= 45);
        Assert.Equal(0, Value(text, "suara_ads_redis_connected"));

        // Back: written, nothing waits.
        redisProcess.Start();
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30))) // against a hang, not a timing assertion
        {
            await factory.Services.GetRequiredService<Server.Hosting.RedisConnection>().WaitUntilConnectedAsync(guard.Token);
        }

        await flusher.FlushAsync();
        text = await client.GetStringAsync("/metrics");
        Assert.Equal(0, Value(text, "suara_ads_events_oldest_pending_seconds"));
        Assert.True(Value(text, @"suara_ads_flush_batches_total\{[^}]*result=""written""[^}]*\}") >= written + 2);
    }

    [Fact]
    public async Task Metrics_Off_LeavesTheServersOwnOut_AndKeepsAspNetCoresAndTheRuntimes()
    {
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")), settings: new Dictionary<string, string?> { ["Ads:Metrics"] = "false" });
        var client = factory.CreateClient();
        Assert.NotNull(await Pages.ServeAsync(client));
        var text = await client.GetStringAsync("/metrics");
        Assert.DoesNotContain("suara_ads_", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_", text, StringComparison.Ordinal);
    }

    /// <summary>The value of the one series <paramref name="series"/> (a pattern of its name and labels) in Prometheus text.</summary>
    private static double Value(string text, string series)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, series.EndsWith('}') ? $@"(?m)^{series} (\S+)" : $@"(?m)^{series}(?:\{{[^}}]*\}})? (\S+)");
        Assert.True(match.Success, $"no series {series} in /metrics");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
