using System.Net;
using System.Text.Json.Nodes;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Tests.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Forecasts;

/// <summary>
/// <c>POST /v1/admin/forecasts</c> over a week of traffic recorded through the real decision pipeline (issue 14): shares
/// follow the sample, tiers, goals and caps are simulated as delivery proceeds, and bad requests are 4xx.
/// </summary>
public sealed class ForecastsApiTests
{
    private static JsonObject Draft(string id, string? targeting = null)
    {
        var campaign = AdminHttp.Campaign(targeting);
        campaign["id"] = id;
        return campaign;
    }

    private static async Task<AdsServerFactory> RecordedAsync(params Campaign[] campaigns)
    {
        TestRedis.Connect().Dispose();
        var server = new AdsServerFactory(TestCatalog.Document(campaigns), now: new DateTimeOffset(SampleTraffic.FirstDay.ToDateTime(TimeOnly.MinValue), SampleTraffic.SiteOffset), settings: SampleTraffic.RecordAll());
        await SampleTraffic.RecordWeekAsync(server);
        return server;
    }

    [Fact]
    public async Task Forecast_DraftTargetingHalfTheTraffic_MatchesAndWinsHalf()
    {
        using var server = await RecordedAsync();
        var admin = server.CreateAdminClient();

        var reply = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(Draft("ferry", "country == 'MY'")).ToJsonString())).Expect(HttpStatusCode.OK);
        var all = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(Draft("ferry-all")).ToJsonString())).Expect(HttpStatusCode.OK);

        // 100 sidebar requests a day, half from MY; nothing else competes; no beacons yet: every fill counts.
        Assert.Equal(700, (long)all.Body!["matched"]!);
        Assert.Equal(350, (long)reply.Body!["matched"]!);
        Assert.Equal(350, (long)reply.Body["available"]!);
        Assert.Empty(reply.Body["contendedWith"]!.AsArray());
        var days = reply.Body["days"]!.AsArray();
        Assert.Equal(7, days.Count);
        Assert.All(days, d => Assert.Equal(50, (long)d!["matched"]!));
        Assert.Equal("2026-11-23", (string)days[0]!["date"]!);
        Assert.Equal(7, (int)reply.Body["basis"]!["recordedDays"]!);
        Assert.Equal(700, (long)reply.Body["basis"]!["sampledRequests"]!);
    }

    [Fact]
    public async Task Forecast_HigherTierCampaignMatchesPart_TakesWhatItMatches()
    {
        using var server = await RecordedAsync(TestCatalog.Campaign("sponsor", "country == 'MY'") with { Priority = "sponsorship" });
        var admin = server.CreateAdminClient();

        var reply = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(Draft("ferry")).ToJsonString())).Expect(HttpStatusCode.OK);

        Assert.Equal(700, (long)reply.Body!["matched"]!);
        Assert.Equal(350, (long)reply.Body["available"]!);
        var contended = Assert.Single(reply.Body["contendedWith"]!.AsArray())!;
        Assert.Equal("sponsor", (string)contended["campaignId"]!);
        Assert.Equal(350, (long)contended["impressions"]!);
    }

    [Fact]
    public async Task Forecast_ExistingCampaignChanged_ReplacesItsNamesakeInTheCatalog()
    {
        // In force the sponsorship takes everything; forecast as a standard campaign it shares with the other by weight.
        using var server = await RecordedAsync(TestCatalog.Campaign("sponsor") with { Priority = "sponsorship" }, TestCatalog.Campaign("other"));
        var admin = server.CreateAdminClient();

        var reply = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(Draft("sponsor")).ToJsonString())).Expect(HttpStatusCode.OK);

        var available = (long)reply.Body!["available"]!;
        Assert.InRange(available, 250, 450);
        var contended = Assert.Single(reply.Body["contendedWith"]!.AsArray())!;
        Assert.Equal("other", (string)contended["campaignId"]!);
        Assert.Equal(700 - available, (long)contended["impressions"]!);
    }

    [Fact]
    public async Task Forecast_DailyGoal_LimitsAvailableToTheGoalEachDay()
    {
        using var server = await RecordedAsync();
        var admin = server.CreateAdminClient();
        var draft = Draft("ferry");
        draft["goal"] = new JsonObject { ["impressions"] = 20, ["per"] = "day" };

        var reply = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(draft).ToJsonString())).Expect(HttpStatusCode.OK);

        Assert.Equal(700, (long)reply.Body!["matched"]!);
        Assert.All(reply.Body["days"]!.AsArray(), d => Assert.InRange((long)d!["available"]!, 20, 24));
    }

    [Fact]
    public async Task Forecast_FlightGoal_StopsWhenReachedAcrossDays()
    {
        using var server = await RecordedAsync();
        var admin = server.CreateAdminClient();
        var draft = Draft("ferry");
        draft["goal"] = new JsonObject { ["impressions"] = 150, ["per"] = "flight" };

        var reply = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(draft).ToJsonString())).Expect(HttpStatusCode.OK);

        var days = reply.Body!["days"]!.AsArray().Select(d => (long)d!["available"]!).ToArray();
        Assert.InRange(days.Sum(), 150, 154);
        Assert.Equal(100, days[0]);
        Assert.Equal(0, days[^1]);
    }

    [Fact]
    public async Task Forecast_FrequencyCapPerDay_LimitsAvailableToOnePerSampledViewerADay()
    {
        using var server = await RecordedAsync();
        var admin = server.CreateAdminClient();
        var draft = Draft("ferry");
        draft["frequencyCap"] = new JsonObject { ["impressions"] = 1, ["per"] = "day" };

        var reply = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(draft).ToJsonString())).Expect(HttpStatusCode.OK);

        // Ten viewers a day, each capped at one: ten impressions a day of the hundred matched.
        Assert.Equal(700, (long)reply.Body!["matched"]!);
        Assert.All(reply.Body["days"]!.AsArray(), d => Assert.Equal(10, (long)d!["available"]!));
    }

    [Fact]
    public async Task Forecast_FrequencyCapPerWeek_HoldsAcrossTheDaysOfTheRange()
    {
        using var server = await RecordedAsync();
        var admin = server.CreateAdminClient();
        var draft = Draft("ferry");
        draft["frequencyCap"] = new JsonObject { ["impressions"] = 2, ["per"] = "week" };

        // Monday to Sunday: one week, ten viewers, two impressions each, all on the first day.
        var reply = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(draft).ToJsonString())).Expect(HttpStatusCode.OK);

        Assert.Equal(20, (long)reply.Body!["available"]!);
        Assert.Equal(20, (long)reply.Body["days"]![0]!["available"]!);
    }

    [Fact]
    public async Task Forecast_SharedExclusionLabel_LosesThePagesWhereTheOtherCampaignWinsFirst()
    {
        // Pages ask for the sidebar, then the top. The sponsorship wins the sidebar in MY and carries the label "airline".
        TestRedis.Connect().Dispose();
        using var server = new AdsServerFactory(
            TestCatalog.Document(TestCatalog.Campaign("sponsor", "country == 'MY'") with { Priority = "sponsorship", ExclusionLabels = ["airline"], Placements = ["sidebar"] }),
            now: new DateTimeOffset(SampleTraffic.FirstDay.ToDateTime(TimeOnly.MinValue), SampleTraffic.SiteOffset),
            settings: SampleTraffic.RecordAll());
        await SampleTraffic.RecordWeekAsync(server, placements: ["sidebar", "article-top"]);
        var admin = server.CreateAdminClient();
        JsonObject TopOnly(string id, params string[] labels)
        {
            var draft = Draft(id);
            draft["placements"] = new JsonArray("article-top");
            draft["creatives"]![0]!["size"] = "728x90";
            draft["exclusionLabels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]);
            return draft;
        }

        var labelled = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(TopOnly("ferry", "airline")).ToJsonString())).Expect(HttpStatusCode.OK);
        var free = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(TopOnly("ferry")).ToJsonString())).Expect(HttpStatusCode.OK);

        Assert.Equal(700, (long)free.Body!["available"]!);
        Assert.Equal(700, (long)labelled.Body!["matched"]!);
        Assert.Equal(350, (long)labelled.Body["available"]!);
    }

    [Theory]
    [InlineData("""{"campaign":{"id":"x","advertiserId":"nobody","name":"x","placements":["sidebar"],"creatives":[]},"from":"2026-11-23","to":"2026-11-29"}""", "campaign.advertiserId")]
    [InlineData("""{"campaign":{"id":"x","advertiserId":"skyway","name":"x","placements":["sidebar"],"targeting":"country ==","creatives":[]},"from":"2026-11-23","to":"2026-11-29"}""", "campaign.targeting")]
    [InlineData("""{"campaign":{"id":"Bad Id","advertiserId":"skyway","name":"x","placements":["sidebar"],"creatives":[]},"from":"2026-11-23","to":"2026-11-29"}""", "campaign.id")]
    [InlineData("""{"campaign":{"id":"x","advertiserId":"skyway","name":"x","placements":["sidebar"],"creatives":[]},"from":"2026-11-29","to":"2026-11-23"}""", "to")]
    [InlineData("""{"campaign":{"id":"x","advertiserId":"skyway","name":"x","placements":["sidebar"],"creatives":[]},"from":"2026-11-23"}""", "to")]
    [InlineData("""{"campaign":{"id":"x","advertiserId":"skyway","name":"x","placements":["sidebar"],"creatives":[]},"from":"2026-11-23","to":"2027-11-23"}""", "to")]
    [InlineData("""{"campaign":{"id":"x","advertiserId":"skyway","name":"x","placements":["sidebar"],"creatives":[]},"from":"23/11/2026","to":"2026-11-29"}""", "from")]
    [InlineData("""{"campaign":{"id":"x","advertiserId":"skyway","name":"x","placements":["sidebar"],"creatives":[],"targetting":"x"},"from":"2026-11-23","to":"2026-11-29"}""", "campaign.targetting")]
    [InlineData("""{"from":"2026-11-23","to":"2026-11-29"}""", "campaign")]
    [InlineData("""[1,2]""", "body")]
    public async Task Forecast_InvalidRequest_Is400NamingTheField(string body, string field)
    {
        TestRedis.Connect().Dispose();
        using var server = new AdsServerFactory(TestCatalog.Document(), now: new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));
        var admin = server.CreateAdminClient();

        var reply = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", body)).Expect(HttpStatusCode.BadRequest);

        Assert.NotEmpty(reply.Errors(field));
    }

    [Fact]
    public async Task Forecast_ByRole_AdminAndTraffickerMay_ReporterIsForbidden_NoKeyIsUnauthorized()
    {
        TestRedis.Connect().Dispose();
        using var server = new AdsServerFactory(TestCatalog.Document(), now: new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));
        var admin = server.CreateAdminClient();
        var body = SampleTraffic.Forecast(Draft("ferry")).ToJsonString();
        var status = new Dictionary<string, HttpStatusCode>();
        foreach (var role in new[] { "trafficker", "reporter" })
        {
            var key = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/keys", $$"""{"name":"{{role}}","role":"{{role}}"}""")).Expect(HttpStatusCode.Created);
            var client = server.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", (string)key.Body!["key"]!);
            status[role] = (await client.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", body)).Status;
        }

        status["admin"] = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", body)).Status;
        status["none"] = (await server.CreateClient().SendAsync(HttpMethod.Post, "/v1/admin/forecasts", body)).Status;

        Assert.Equal(HttpStatusCode.OK, status["admin"]);
        Assert.Equal(HttpStatusCode.OK, status["trafficker"]);
        Assert.Equal(HttpStatusCode.Forbidden, status["reporter"]);
        Assert.Equal(HttpStatusCode.Unauthorized, status["none"]);
    }

    [Fact]
    public async Task Forecast_NoSampleYet_AnswersZeroWithNoRecordedDays()
    {
        TestRedis.Connect().Dispose();
        using var server = new AdsServerFactory(TestCatalog.Document(), now: new DateTimeOffset(2026, 11, 23, 1, 0, 0, TimeSpan.Zero));
        var admin = server.CreateAdminClient();

        var reply = (await admin.SendAsync(HttpMethod.Post, "/v1/admin/forecasts", SampleTraffic.Forecast(Draft("ferry")).ToJsonString())).Expect(HttpStatusCode.OK);

        Assert.Equal(0, (long)reply.Body!["matched"]!);
        Assert.Equal(0, (int)reply.Body["basis"]!["recordedDays"]!);
    }
}
