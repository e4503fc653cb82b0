using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Reports;

/// <summary>
/// Prices, spend and the goals that count clicks or spend, with events sent through the real endpoints to a real
/// Redis: spend to the cent for each rate model across a local midnight, click and spend goals that stop delivery on
/// another instance, reach of 10,000 viewers, the publisher's report against what was sent, and CSV that reads back.
/// </summary>
public sealed class MoneyTests
{
    // The factory's clock: 04:00 UTC on 30 November, 12:00 in Kuala Lumpur. Local midnight is 12 hours on.
    private static readonly TimeSpan ToKualaLumpurMidnight = TimeSpan.FromHours(12);

    private static Campaign Priced(string id, string model, decimal amount) =>
        TestCatalog.Campaign(id) with { Rate = new CampaignRate { Model = model, Amount = amount, Currency = "MYR" } };

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey) },
    };

    private static async Task<JsonNode> ReportAsync(HttpClient client, string path)
    {
        using var response = await client.SendAsync(Get(path));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Serves <paramref name="impressions"/> ads and counts their impressions; clicks the first <paramref name="clicks"/>.</summary>
    private static async Task TrafficAsync(HttpClient client, int impressions, int clicks, string? viewer = null)
    {
        for (var i = 0; i < impressions; i++)
        {
            var slot = await Pages.ServeAsync(client, viewer);
            Assert.NotNull(slot);
            Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl));
            if (i < clicks)
            {
                Assert.Equal(HttpStatusCode.Redirect, await Pages.BeaconAsync(client, slot.ClickUrl));
            }
        }
    }

    [Theory]
    // 7 and 5 impressions at 12.50 per thousand: 0.0875 + 0.0625 = 0.15 exactly; each day rounds down to 0.08 and 0.06,
    // and the cent left goes to the larger remainder (the first day).
    [InlineData("cpm", "12.5", "0.09", "0.06", "0.15")]
    // 3 and 2 clicks at 0.35.
    [InlineData("cpc", "0.35", "1.05", "0.70", "1.75")]
    // 1,000.00 over the flight's 62 local days (1 November to 1 January in Kuala Lumpur): 100,000 cents make 56 days
    // of 16.13 and 6 of 16.12; these are days 30 and 31.
    [InlineData("flat", "1000", "16.13", "16.13", "32.26")]
    public async Task Spend_EachRateModel_IsExactToTheCent_AcrossKualaLumpurMidnight(string model, string amount, string firstDay, string secondDay, string total)
    {
        TestRedis.Connect().Dispose();
        using var server = new AdsServerFactory(TestCatalog.Document(Priced("priced", model, decimal.Parse(amount, CultureInfo.InvariantCulture))));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        await TrafficAsync(client, impressions: 7, clicks: 3);
        server.Time.Advance(ToKualaLumpurMidnight);
        await TrafficAsync(client, impressions: 5, clicks: 2);
        await server.Services.GetRequiredService<CountingFlusher>().FlushAsync();

        var daily = await ReportAsync(client, "/v1/reports/campaigns/priced?from=2026-11-30&to=2026-12-01");
        var rows = daily["rows"]!.AsArray();
        Assert.Equal(["2026-11-30", "2026-12-01"], rows.Select(r => (string)r!["time"]!));
        Assert.Equal([7L, 5L], rows.Select(r => (long)r!["impressions"]!));
        Assert.Equal([decimal.Parse(firstDay, CultureInfo.InvariantCulture), decimal.Parse(secondDay, CultureInfo.InvariantCulture)], rows.Select(r => (decimal)r!["spend"]!));
        Assert.Equal(decimal.Parse(total, CultureInfo.InvariantCulture), (decimal)daily["totals"]!["spend"]!);
        Assert.Equal("MYR", (string)daily["totals"]!["currency"]!);

        // By hour the same total, and the hours add up to it to the cent.
        var hourly = await ReportAsync(client, "/v1/reports/campaigns/priced?from=2026-11-30&to=2026-12-01&granularity=hour");
        Assert.Equal((decimal)daily["totals"]!["spend"]!, (decimal)hourly["totals"]!["spend"]!);
        Assert.Equal((decimal)hourly["totals"]!["spend"]!, hourly["rows"]!.AsArray().Sum(r => (decimal)r!["spend"]!));
    }

    [Fact]
    public async Task FlatRate_BillsAFlightDayWithoutCounts_OnARowOfItsOwn()
    {
        TestRedis.Connect().Dispose();
        using var server = new AdsServerFactory(TestCatalog.Document(Priced("flat", "flat", 620m)));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await TrafficAsync(client, impressions: 2, clicks: 0);
        await server.Services.GetRequiredService<CountingFlusher>().FlushAsync();

        // 620.00 over 62 days is 10.00 a day; 29 November had no counts and still costs its day.
        var report = await ReportAsync(client, "/v1/reports/campaigns/flat?from=2026-11-29&to=2026-11-30");
        var rows = report["rows"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal("2026-11-29", (string)rows[0]!["time"]!);
        Assert.Null(rows[0]!["creativeId"]);
        Assert.Equal(10.00m, (decimal)rows[0]!["spend"]!);
        Assert.Equal(2L, (long)rows[1]!["impressions"]!);
        Assert.Equal(20.00m, (decimal)report["totals"]!["spend"]!);

        // Outside the flight nothing is billed.
        var before = await ReportAsync(client, "/v1/reports/campaigns/flat?from=2026-10-01&to=2026-10-31");
        Assert.Equal(0m, (decimal)before["totals"]!["spend"]!);
        Assert.Empty(before["rows"]!.AsArray());
    }

    [Fact]
    public async Task FlatRate_OnTwoSites_IsSharedBetweenThem_NotBilledTwice()
    {
        TestRedis.Connect().Dispose();
        var campaign = Priced("flat", "flat", 620m) with { Placements = ["sidebar", "elsewhere"] };
        using var server = new AdsServerFactory(TestCatalog.Document(campaign));
        var client = server.CreateClient();
        await TrafficAsync(client, impressions: 3, clicks: 0);
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.PostAsync("/v1/decisions", new StringContent(
                """{"site":"other","slots":[{"id":"s","placement":"elsewhere"}]}""", System.Text.Encoding.UTF8, "application/json"));
            var slot = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!["s"]!;
            Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, (string)slot["impressionUrl"]!));
        }

        await server.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        const string range = "from=2026-11-29&to=2026-12-01";
        var spend = (decimal)(await ReportAsync(client, $"/v1/reports/campaigns/flat?{range}"))["totals"]!["spend"]!;
        var suara = (decimal)(await ReportAsync(client, $"/v1/reports/sites/suara?{range}"))["totals"]!["revenue"]!;
        var other = (decimal)(await ReportAsync(client, $"/v1/reports/sites/other?{range}"))["totals"]!["revenue"]!;

        // 10.00 a day for 3 days; the day with impressions is shared 3:2 by them, the two without any count go to the
        // campaign's first placement's site.
        Assert.Equal(30.00m, spend);
        Assert.Equal(spend, suara + other);
        Assert.Equal(26.00m, suara);
        Assert.Equal(4.00m, other);
    }

    [Theory]
    [InlineData("clicks")]
    [InlineData("spend")]
    public async Task ClickAndSpendGoals_StopDelivery_OnAnotherInstance(string goal)
    {
        TestRedis.Connect().Dispose();
        // Three clicks, or 1.05 of spend at 0.35 a click: the same three clicks.
        var campaign = Priced("goal", "cpc", 0.35m) with
        {
            Goal = goal == "clicks" ? new CampaignGoal { Clicks = 3, Per = "flight" } : new CampaignGoal { Spend = 1.05m, Per = "flight" },
        };
        var catalog = TestCatalog.Document(campaign);
        using var a = new AdsServerFactory(catalog);
        using var b = new AdsServerFactory(catalog, keyPrefix: a.KeyPrefix);
        var clientA = a.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var clientB = b.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // Impressions alone deliver nothing towards a click goal, and decisions hold nothing back.
        await TrafficAsync(clientA, impressions: 10, clicks: 2);
        await Pages.SyncAsync(a, b);
        Assert.NotNull(await Pages.ServeAsync(clientB));

        // The third click, through A, stops B.
        var slot = await Pages.ServeAsync(clientA);
        Assert.NotNull(slot);
        await Pages.BeaconAsync(clientA, slot.ImpressionUrl);
        Assert.Equal(HttpStatusCode.Redirect, await Pages.BeaconAsync(clientA, slot.ClickUrl));
        await Pages.SyncAsync(a, b);
        Assert.Null(await Pages.ServeAsync(clientB));
        Assert.Null(await Pages.ServeAsync(clientA));

        // The explain of the admin says why, in the goal's own terms.
        using var explain = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions?explain=true")
        {
            Content = new StringContent("""{"site":"suara","slots":[{"id":"s","placement":"sidebar"}]}""", System.Text.Encoding.UTF8, "application/json"),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey) },
        };
        var body = JsonNode.Parse(await (await clientB.SendAsync(explain)).Content.ReadAsStringAsync())!;
        var candidate = body["explain"]!["s"]!.AsArray().Single(c => (string)c!["campaignId"]! == "goal")!;
        Assert.Equal("goalReached", (string)candidate["outcome"]!);
        Assert.Contains("3 of 3 clicks", (string)candidate["detail"]!, StringComparison.Ordinal);

        var report = await ReportAsync(clientB, "/v1/reports/campaigns/goal?from=2026-11-30&to=2026-11-30");
        Assert.Equal(3L, (long)report["totals"]!["clicks"]!);
        Assert.Equal(1.05m, (decimal)report["totals"]!["spend"]!);
    }

    [Fact]
    public async Task ClickGoal_WithEvenPacing_FollowsTheLineOfItsClicks()
    {
        TestRedis.Connect().Dispose();
        // 10 clicks a day, evenly: at noon in Kuala Lumpur (the factory's clock) the line allows 5, plus a lead of 1.
        var campaign = Priced("paced", "cpc", 0.5m) with { Goal = new CampaignGoal { Clicks = 10, Per = "day" }, Pacing = "even" };
        using var server = new AdsServerFactory(TestCatalog.Document(campaign));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        async Task<int> ClickWhileServedAsync()
        {
            var clicks = 0;
            while (clicks < 20 && await Pages.ServeAsync(client) is { } slot)
            {
                await Pages.BeaconAsync(client, slot.ImpressionUrl);
                Assert.Equal(HttpStatusCode.Redirect, await Pages.BeaconAsync(client, slot.ClickUrl));
                clicks++;
                await Pages.SyncAsync(server);
            }

            return clicks;
        }

        Assert.Equal(6, await ClickWhileServedAsync());

        // Three hours on, the line allows 7.25: two more clicks, then it waits again.
        server.Time.Advance(TimeSpan.FromHours(3));
        await Pages.SyncAsync(server);
        Assert.Equal(2, await ClickWhileServedAsync());

        // The next day starts a new line.
        server.Time.Advance(TimeSpan.FromHours(9));
        await Pages.SyncAsync(server);
        Assert.NotNull(await Pages.ServeAsync(client));
    }

    [Fact]
    public async Task SpendGoal_AtACpmRate_IsHeldLikeAnImpressionGoal()
    {
        TestRedis.Connect().Dispose();
        // 0.03 at 10.00 per thousand is 3 impressions.
        var campaign = Priced("budget", "cpm", 10m) with { Goal = new CampaignGoal { Spend = 0.03m, Per = "day" } };
        using var server = new AdsServerFactory(TestCatalog.Document(campaign));
        var client = server.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await Pages.ServeAsync(client)); // held from the decision on
        }

        Assert.Null(await Pages.ServeAsync(client));
    }

    [Fact]
    public async Task Reach_Of10000DistinctViewers_IsWithin2Percent_AndRepeatsDoNotCount()
    {
        TestRedis.Connect().Dispose();
        using var server = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("wide")));
        var client = server.CreateClient();
        const int viewers = 10_000;
        for (var start = 0; start < viewers; start += 100)
        {
            await Task.WhenAll(Enumerable.Range(start, 100).Select(async v =>
            {
                var slot = await Pages.ServeAsync(client, $"reader-{v}");
                Assert.NotNull(slot);
                Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl));
            }));
        }

        // The same 500 viewers again, the next day: more impressions, no more reach.
        server.Time.Advance(TimeSpan.FromDays(1));
        for (var v = 0; v < 500; v++)
        {
            var slot = await Pages.ServeAsync(client, $"reader-{v}");
            await Pages.BeaconAsync(client, slot!.ImpressionUrl);
        }

        await server.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        var report = await ReportAsync(client, "/v1/reports/campaigns/wide?from=2026-11-30&to=2026-12-01");
        Assert.Equal(viewers + 500, (long)report["totals"]!["impressions"]!);
        var reach = (long)report["totals"]!["reach"]!;
        Assert.InRange(reach, viewers * 0.98, viewers * 1.02);

        // One day alone: its own viewers.
        var secondDay = await ReportAsync(client, "/v1/reports/campaigns/wide?from=2026-12-01&to=2026-12-01");
        Assert.InRange((long)secondDay["totals"]!["reach"]!, 490, 510);

        // The advertiser's reach is the union over its campaigns (here one).
        var advertiser = await ReportAsync(client, "/v1/reports/advertisers/skyway?from=2026-11-30&to=2026-12-01");
        Assert.Equal(reach, (long)advertiser["totals"]!["reach"]!);
    }

    [Fact]
    public async Task SiteReport_EqualsTheDecisionsAndEventsSent()
    {
        TestRedis.Connect().Dispose();
        using var server = new AdsServerFactory(TestCatalog.Document(Priced("cpm", "cpm", 20m)));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // 12 pages asking for the top slot (728x90: no creative fits, no-fill) and the sidebar (filled); 9 impressions,
        // 4 viewable, 2 clicks. And 3 pages from a crawler: answered, but not the publisher's inventory.
        for (var i = 0; i < 12; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions")
            {
                Content = new StringContent("""{"site":"suara","slots":[{"id":"top","placement":"article-top"},{"id":"side","placement":"sidebar"}]}""", System.Text.Encoding.UTF8, "application/json"),
            };
            using var response = await client.SendAsync(request);
            var slots = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!;
            Assert.Null(slots["top"]);
            if (i < 9)
            {
                await Pages.BeaconAsync(client, (string)slots["side"]!["impressionUrl"]!);
            }

            if (i < 4)
            {
                await Pages.BeaconAsync(client, (string)slots["side"]!["viewableUrl"]!);
            }

            if (i < 2)
            {
                await Pages.BeaconAsync(client, (string)slots["side"]!["clickUrl"]!);
            }
        }

        var crawler = server.CreateClient();
        crawler.DefaultRequestHeaders.UserAgent.Clear();
        crawler.DefaultRequestHeaders.UserAgent.ParseAdd("Googlebot/2.1 (+http://www.google.com/bot.html)");
        for (var i = 0; i < 3; i++)
        {
            await Pages.ServeAsync(crawler);
        }

        await server.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        var report = await ReportAsync(client, "/v1/reports/sites/suara?from=2026-11-30&to=2026-11-30");
        var totals = report["totals"]!;
        Assert.Equal(24L, (long)totals["requested"]!);
        Assert.Equal(12L, (long)totals["filled"]!);
        Assert.Equal(0.5, (double)totals["fillRate"]!);
        Assert.Equal(9L, (long)totals["impressions"]!);
        Assert.Equal(4L, (long)totals["viewable"]!);
        Assert.Equal(2L, (long)totals["clicks"]!);
        Assert.Equal(0.18m, (decimal)totals["revenue"]!); // 9 at 20.00 per thousand
        Assert.Equal("MYR", (string)totals["currency"]!);

        var rows = report["rows"]!.AsArray().ToDictionary(r => (string)r!["placement"]!);
        Assert.Equal(12L, (long)rows["article-top"]!["requested"]!);
        Assert.Equal(0L, (long)rows["article-top"]!["filled"]!);
        Assert.Equal(12L, (long)rows["sidebar"]!["filled"]!);
        Assert.Equal(9L, (long)rows["sidebar"]!["impressions"]!);
        Assert.All(rows.Values, r => Assert.Equal("2026-11-30", (string)r!["time"]!));

        // Revenue is what the advertiser spent there.
        var campaign = await ReportAsync(client, "/v1/reports/campaigns/cpm?from=2026-11-30&to=2026-11-30");
        Assert.Equal((decimal)campaign["totals"]!["spend"]!, (decimal)totals["revenue"]!);

        // An advertiser's report key may not read the publisher's report; an unknown site is a 404.
        using var rotate = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/admin/advertisers/skyway/report-key")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey) },
        });
        var reportKey = (string)JsonNode.Parse(await rotate.Content.ReadAsStringAsync())!["reportKey"]!;
        using var forbidden = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/reports/sites/suara")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", reportKey) },
        });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var missing = await client.SendAsync(Get("/v1/reports/sites/nowhere"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task RequestedSlots_AreCountedWithoutARedisCommandPerDecision()
    {
        using var redis = new RedisProcess(); // a Redis of this test's own, so its command count is this server's alone
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")), redis: redis.Configuration);
        var client = factory.CreateClient();
        using var connection = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        async Task<long> CommandsAsync() =>
            long.Parse((await server.InfoAsync("stats")).SelectMany(g => g).Single(p => p.Key == "total_commands_processed").Value, CultureInfo.InvariantCulture);

        var flusher = factory.Services.GetRequiredService<CountingFlusher>();
        async Task<(long Deciding, long Writing)> CostAsync(int decisions)
        {
            var start = await CommandsAsync();
            for (var i = 0; i < decisions; i++)
            {
                Assert.NotNull(await Pages.ServeAsync(client));
            }

            var decided = await CommandsAsync();
            await flusher.FlushAsync();
            return (decided - start - 1, await CommandsAsync() - decided - 1); // less the INFO that asked
        }

        await CostAsync(1); // warm-up: the scripts are loaded, the hashes exist
        var one = await CostAsync(1);
        var many = await CostAsync(200);

        // Deciding sends Redis nothing; writing 200 decisions costs what writing one does (the commands scripts run
        // inside Redis included): one script per campaign and one per site, whatever the traffic.
        Assert.Equal(0, many.Deciding);
        Assert.Equal(one.Writing, many.Writing);
        var report = await ReportAsync(client, "/v1/reports/sites/suara?from=2026-11-30&to=2026-11-30");
        Assert.Equal(202L, (long)report["totals"]!["requested"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Retention_HourlyForTheConfiguredTime_DailyFor400Days(bool groups)
    {
        using var redis = TestRedis.Connect();
        using var server = new AdsServerFactory(
            TestCatalog.Document(TestCatalog.Campaign("kept")),
            settings: new Dictionary<string, string?>(AdsServerFactory.GenerousLimits) { ["Ads:Reports:HourlyRetention"] = "10.00:00:00", ["Ads:CountingGroups"] = groups ? "true" : "false" });
        var client = server.CreateClient();
        await TrafficAsync(client, impressions: 1, clicks: 0, viewer: "reader-1");
        await server.Services.GetRequiredService<CountingFlusher>().FlushAsync();

        // Per campaign (and site), or in their counting groups (docs/redis.md, "Counting groups"), with the month's index.
        var keys = server.Services.GetRequiredService<CounterKeys>();
        var db = redis.GetDatabase();
        var utcDay = server.Time.GetUtcNow().ToUnixTimeSeconds() / 86_400;
        var site = Core.Counting.EventAggregate.SiteOwner("suara");
        var (campaignGroup, siteGroup) = (Core.Counting.CounterGroups.Of("kept"), Core.Counting.CounterGroups.Of("suara"));
        RedisKey[] hourlyKeys = groups ? [keys.GroupCounters(campaignGroup, utcDay)] : [keys.Counters("kept", utcDay)];
        RedisKey[] dailyKeys = groups
            ? [keys.GroupDailyCounters(campaignGroup, 202611), keys.GroupDailyIndex(campaignGroup, 202611), keys.GroupDailyCounters(siteGroup, 202611), keys.GroupDailyIndex(siteGroup, 202611)]
            : [keys.DailyCounters("kept", 202611), keys.DailyCounters(site, 202611)];
        foreach (var key in hourlyKeys)
        {
            Assert.InRange((await db.KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromDays(9.9), TimeSpan.FromDays(10));
        }

        foreach (var key in dailyKeys.Append(keys.Reach("kept", new DateOnly(2026, 11, 30))))
        {
            Assert.InRange((await db.KeyTimeToLiveAsync(key))!.Value, TimeSpan.FromDays(399.9), TimeSpan.FromDays(400));
        }

        // An hourly report may not reach back beyond the hourly retention; a daily one may.
        using var hourly = await client.SendAsync(Get("/v1/reports/campaigns/kept?from=2026-11-15&to=2026-11-30&granularity=hour"));
        Assert.Equal(HttpStatusCode.BadRequest, hourly.StatusCode);
        Assert.Contains("10 days", await hourly.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var daily = await ReportAsync(client, "/v1/reports/campaigns/kept?from=2026-11-15&to=2026-11-30");
        Assert.Equal(1L, (long)daily["totals"]!["impressions"]!);
    }

    [Fact]
    public async Task Csv_ReadsBackToTheSameNumbers_AndNeutralisesFormulas()
    {
        TestRedis.Connect().Dispose();
        var formula = Priced("formula", "cpm", 12.5m) with { Name = "=HYPERLINK(\"https://evil.example\",\"Click\")" };
        var plain = Priced("plain", "cpc", 0.4m) with { Name = "-2+3, \"quoted\"", Placements = ["article-top"], Creatives = [new Creative { Id = "top", Format = "image", Size = "728x90", ImageUrl = "/creatives/x.svg", Alt = "x", ClickUrl = "https://skyway.example/" }] };
        using var server = new AdsServerFactory(TestCatalog.Document(formula, plain));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        await TrafficAsync(client, impressions: 6, clicks: 2);
        await server.Services.GetRequiredService<CountingFlusher>().FlushAsync();

        const string query = "/v1/reports/advertisers/skyway?from=2026-11-30&to=2026-11-30";
        var json = await ReportAsync(client, query);
        using var response = await client.SendAsync(Get(query + "&format=csv"));
        var table = CsvTable(await response.Content.ReadAsStringAsync());
        var header = table[0];
        var rows = table.Skip(1).ToDictionary(r => r[header.IndexOf("campaignId")]);
        Assert.Equal(2, rows.Count);
        foreach (var row in json["rows"]!.AsArray())
        {
            var line = rows[(string)row!["campaignId"]!];
            Assert.Equal("2026-11-30/2026-11-30", line[header.IndexOf("time")]);
            foreach (var column in new[] { "served", "impressions", "viewable", "clicks", "invalid" })
            {
                Assert.Equal((long)row[column]!, long.Parse(line[header.IndexOf(column)], CultureInfo.InvariantCulture));
            }

            Assert.Equal((decimal)row["spend"]!, decimal.Parse(line[header.IndexOf("spend")], CultureInfo.InvariantCulture));
            Assert.Equal((double)row["ctr"]!, double.Parse(line[header.IndexOf("ctr")], CultureInfo.InvariantCulture));
        }

        // A name that would be a formula is prefixed so that a spreadsheet shows it as text; quotes and commas survive.
        Assert.Equal("'=HYPERLINK(\"https://evil.example\",\"Click\")", rows["formula"][header.IndexOf("name")]);
        Assert.Equal("'-2+3, \"quoted\"", rows["plain"][header.IndexOf("name")]);
    }

    /// <summary>Reads RFC 4180 CSV: quoted cells with doubled quotes, CRLF rows.</summary>
    private static List<List<string>> CsvTable(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }

        return rows;
    }
}
