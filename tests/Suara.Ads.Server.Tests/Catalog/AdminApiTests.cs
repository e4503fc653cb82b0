using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>The admin API through the real pipeline against the real Redis: create, replace, read, list, delete, 401, 409, 412.</summary>
public sealed class AdminApiTests
{
    private static AdsServerFactory NewServer()
    {
        using var redis = TestRedis.Connect(); // fails (never skips) without the Redis of ./test.sh
        return new AdsServerFactory(TestCatalog.Document());
    }

    [Fact]
    public async Task PutSite_NewThenExisting_Creates201ThenReplaces200()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        var site = new JsonObject { ["name"] = "Berita", ["domains"] = new JsonArray("berita.example"), ["timeZone"] = "Asia/Jakarta" };

        var created = await client.PutAsync("/v1/admin/sites/berita", site);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("berita", (string?)created.Body!["id"]);
        Assert.Equal("Asia/Jakarta", (string?)created.Body["timeZone"]);
        Assert.NotNull(created.ETag);

        site["name"] = "Berita Harian";
        var replaced = await client.PutAsync("/v1/admin/sites/berita", site);
        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.NotEqual(created.ETag, replaced.ETag);

        var read = await client.GetReplyAsync("/v1/admin/sites/berita");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal("Berita Harian", (string?)read.Body!["name"]);
        Assert.Equal(replaced.ETag, read.ETag);
    }

    [Fact]
    public async Task PutPlacementAndCampaign_Valid_AreStoredAndServed()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        var placement = new JsonObject { ["site"] = "suara", ["name"] = "Footer", ["sizes"] = new JsonArray("728x90"), ["formats"] = new JsonArray("image", "html") };

        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/v1/admin/placements/footer", placement)).Status);
        Assert.Equal("suara", (string?)(await client.GetReplyAsync("/v1/admin/placements/footer")).Body!["site"]);

        var created = (await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country in ('SG', 'MY')"))).Expect(HttpStatusCode.Created);
        Assert.Equal("london", (string?)created.Body!["id"]);

        var read = await client.GetReplyAsync("/v1/admin/campaigns/london");
        Assert.Equal("country in ('SG', 'MY')", (string?)read.Body!["targeting"]);
        Assert.Equal("https://skyway.example/london", (string?)read.Body["creatives"]![0]!["clickUrl"]);
        Assert.Equal(created.ETag, read.ETag);

        // The instance that made the change serves it at once.
        Assert.Equal("london", await AdminHttp.DecideAsync(factory.CreateClient()));
    }

    [Fact]
    public async Task PutCampaign_OptionalFieldsOmitted_TakesTheContractDefaults()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        var minimal = JsonNode.Parse("""
            { "advertiserId": "skyway", "name": "Minimal", "placements": ["sidebar"],
              "creatives": [ { "id": "t", "format": "text", "size": "300x250", "headline": "Fly", "clickUrl": "https://skyway.example/" } ] }
            """)!;

        (await client.PutAsync("/v1/admin/campaigns/minimal", minimal)).Expect(HttpStatusCode.Created);

        var read = (await client.GetReplyAsync("/v1/admin/campaigns/minimal")).Body!;
        Assert.Equal("active", (string?)read["status"]);
        Assert.Equal("standard", (string?)read["priority"]);
        Assert.Equal("asap", (string?)read["pacing"]);
        Assert.Equal(100, (int)read["weight"]!);
        Assert.Empty(read["exclusionLabels"]!.AsArray());
        Assert.Equal(1, (int)read["creatives"]![0]!["weight"]!);
        Assert.Equal("minimal", await AdminHttp.DecideAsync(factory.CreateClient()));
    }

    [Fact]
    public async Task PutCampaign_RateAndSpendGoal_AreStoredAndExportedExactly()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        var campaign = AdminHttp.Campaign();
        campaign["rate"] = JsonNode.Parse("""{ "model": "cpc", "amount": 0.355, "currency": "MYR" }""");
        campaign["goal"] = JsonNode.Parse("""{ "spend": 1500.25, "per": "day" }""");

        (await client.PutAsync("/v1/admin/campaigns/priced", campaign)).Expect(HttpStatusCode.Created);

        var read = (await client.GetReplyAsync("/v1/admin/campaigns/priced")).Body!;
        Assert.Equal("cpc", (string?)read["rate"]!["model"]);
        Assert.Equal(0.355m, (decimal)read["rate"]!["amount"]!);
        Assert.Equal("MYR", (string?)read["rate"]!["currency"]);
        Assert.Equal(1500.25m, (decimal)read["goal"]!["spend"]!);
        Assert.Null(read["goal"]!["impressions"]); // only the kind given
        var export = (await client.GetReplyAsync("/v1/admin/catalog")).Body!;
        var exported = export["campaigns"]!.AsArray().Single(c => (string?)c!["id"] == "priced")!;
        Assert.Equal(0.355m, (decimal)exported["rate"]!["amount"]!);
    }

    private static async Task<(HttpStatusCode Status, JsonNode? Body, string? ETag)> PatchAsync(HttpClient client, string path, string patch, string contentType = "application/merge-patch+json", string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, path) { Content = new StringContent(patch, System.Text.Encoding.UTF8) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response.Headers.ETag?.ToString());
    }

    [Fact]
    public async Task PatchCampaign_MergePatch_ChangesOnlyWhatItNames()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        var campaign = AdminHttp.Campaign("country == 'MY'");
        campaign["goal"] = JsonNode.Parse("""{ "impressions": 1000, "per": "flight" }""");
        (await client.PutAsync("/v1/admin/campaigns/patched", campaign)).Expect(HttpStatusCode.Created);

        // Pause, raise the goal and drop the targeting in one patch; everything else stays.
        var (status, body, etag) = await PatchAsync(client, "/v1/admin/campaigns/patched", """{ "status": "paused", "goal": { "impressions": 2500 }, "targeting": null }""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(etag);
        var read = (await client.GetReplyAsync("/v1/admin/campaigns/patched")).Body!;
        Assert.Equal("paused", (string?)read["status"]);
        Assert.Equal(2500, (int)read["goal"]!["impressions"]!);
        Assert.Equal("flight", (string?)read["goal"]!["per"]); // merged, not replaced
        Assert.Null(read["targeting"]);
        Assert.Equal("Fly London", (string?)read["name"]);
        Assert.Equal("london-300", (string?)read["creatives"]![0]!["id"]);
        Assert.Equal((string?)body!["status"], (string?)read["status"]);

        // The audit has the patch as a change like any other.
        var audit = (await client.GetReplyAsync("/v1/admin/audit?kind=campaign&id=patched&limit=1")).Body!["entries"]![0]!;
        Assert.Equal(["goal.impressions", "status", "targeting"], audit["changes"]!.AsArray().Select(c => (string)c!["path"]!));

        // A patch is validated like a PUT, names unknown fields, needs its media type, and needs the entity to exist.
        var invalid = await PatchAsync(client, "/v1/admin/campaigns/patched", """{ "weight": 0 }""");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.Status);
        Assert.NotNull(invalid.Body!["errors"]!["weight"]);
        var unknown = await PatchAsync(client, "/v1/admin/campaigns/patched", """{ "goal": { "impresions": 5 } }""");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.NotNull(unknown.Body!["errors"]!["goal.impresions"]);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PatchAsync(client, "/v1/admin/campaigns/patched", """{ "weight": 5 }""", "application/json")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(client, "/v1/admin/campaigns/nowhere", """{ "weight": 5 }""")).Status);
        Assert.Equal(2500, (int)(await client.GetReplyAsync("/v1/admin/campaigns/patched")).Body!["goal"]!["impressions"]!);
    }

    [Fact]
    public async Task IfMatch_UnquotedOrStale_SaysWhich()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        var created = (await client.PutAsync("/v1/admin/campaigns/tagged", AdminHttp.Campaign())).Expect(HttpStatusCode.Created);
        var etag = created.ETag!;

        var unquoted = await PatchAsync(client, "/v1/admin/campaigns/tagged", """{ "weight": 7 }""", ifMatch: etag.Trim('"'));
        Assert.Equal(HttpStatusCode.PreconditionFailed, unquoted.Status);
        Assert.Contains("not a quoted ETag", (string)unquoted.Body!["detail"]!, StringComparison.Ordinal);

        var current = await PatchAsync(client, "/v1/admin/campaigns/tagged", """{ "weight": 7 }""", ifMatch: etag);
        Assert.Equal(HttpStatusCode.OK, current.Status);

        var stale = await PatchAsync(client, "/v1/admin/campaigns/tagged", """{ "weight": 8 }""", ifMatch: etag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);
        Assert.Contains("stale", (string)stale.Body!["detail"]!, StringComparison.Ordinal);
        Assert.Equal(7, (int)(await client.GetReplyAsync("/v1/admin/campaigns/tagged")).Body!["weight"]!);
    }

    [Fact]
    public async Task GetAndDelete_Unknown_Are404Problems()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();

        var read = await client.GetReplyAsync("/v1/admin/campaigns/nothing");
        Assert.Equal(HttpStatusCode.NotFound, read.Status);
        Assert.Contains("nothing", (string?)read.Body!["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteReplyAsync("/v1/admin/sites/nothing")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(HttpMethod.Post, "/v1/admin/advertisers/nothing/report-key")).Status);
    }

    [Fact]
    public async Task DeleteCampaign_Existing_Is204AndGone()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteReplyAsync("/v1/admin/campaigns/london")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetReplyAsync("/v1/admin/campaigns/london")).Status);
        Assert.Null(await AdminHttp.DecideAsync(factory.CreateClient()));
    }

    [Fact]
    public async Task DeleteReferenced_PlacementSiteOrAdvertiserInUse_Is409NamingTheUser()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign());

        var placement = await client.DeleteReplyAsync("/v1/admin/placements/sidebar");
        Assert.Equal(HttpStatusCode.Conflict, placement.Status);
        Assert.Contains("campaign 'london'", (string?)placement.Body!["detail"], StringComparison.Ordinal);
        Assert.Contains("campaign 'london'", placement.Body["usedBy"]!.AsArray().Select(u => (string?)u));

        var advertiser = await client.DeleteReplyAsync("/v1/admin/advertisers/skyway");
        Assert.Equal(HttpStatusCode.Conflict, advertiser.Status);
        Assert.Contains("campaign 'london'", (string?)advertiser.Body!["detail"], StringComparison.Ordinal);

        var site = await client.DeleteReplyAsync("/v1/admin/sites/suara");
        Assert.Equal(HttpStatusCode.Conflict, site.Status);
        Assert.Contains("placement 'sidebar'", (string?)site.Body!["detail"], StringComparison.Ordinal);

        // Nothing was removed; once the campaign is gone the placement can go.
        Assert.Equal(HttpStatusCode.OK, (await client.GetReplyAsync("/v1/admin/placements/sidebar")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteReplyAsync("/v1/admin/campaigns/london")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteReplyAsync("/v1/admin/placements/sidebar")).Status);
    }

    [Fact]
    public async Task List_ShowsAWriteMadeOnAnotherInstanceAtOnce_AndPagesInIdOrder()
    {
        var catalog = TestCatalog.Document(TestCatalog.Campaign("london"));
        using var a = new AdsServerFactory(catalog);
        using var b = new AdsServerFactory(catalog, keyPrefix: a.KeyPrefix);
        var clientA = a.CreateAdminClient();
        var clientB = b.CreateAdminClient();
        Assert.Equal(HttpStatusCode.OK, (await clientB.GetReplyAsync("/v1/admin/campaigns")).Status); // B lists from memory

        // Written through A: B lists it at once (its catalog in force is older than the stored one, so it reads Redis).
        foreach (var id in new[] { "zeta", "alpha", "mid" })
        {
            (await clientA.PutAsync("/v1/admin/campaigns/" + id, AdminHttp.Campaign())).Expect(HttpStatusCode.Created);
        }

        var listed = (await clientB.GetReplyAsync("/v1/admin/campaigns?limit=2")).Body!;
        Assert.Equal(["alpha", "london"], listed["items"]!.AsArray().Select(c => (string)c!["id"]!));
        Assert.Equal(4, (int)listed["total"]!);
        Assert.Equal("london", (string)listed["next"]!);
        var rest = (await clientB.GetReplyAsync("/v1/admin/campaigns?limit=2&after=london")).Body!;
        Assert.Equal(["mid", "zeta"], rest["items"]!.AsArray().Select(c => (string)c!["id"]!));
        Assert.Null(rest["next"]);
        var between = (await clientA.GetReplyAsync("/v1/admin/campaigns?after=b")).Body!; // A: from memory, an id not listed
        Assert.Equal(["london", "mid", "zeta"], between["items"]!.AsArray().Select(c => (string)c!["id"]!));
    }

    [Fact]
    public async Task Put_IfNoneMatchStar_CreatesButNeverReplaces()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        async Task<(HttpStatusCode Status, JsonNode? Body)> PutNewAsync(JsonObject campaign, string ifNoneMatch)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/admin/campaigns/only-once") { Content = new StringContent(campaign.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
        }

        Assert.Equal(HttpStatusCode.Created, (await PutNewAsync(AdminHttp.Campaign("country == 'MY'"), "*")).Status);
        var again = await PutNewAsync(AdminHttp.Campaign("country == 'SG'"), "*");
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.Status);
        Assert.Contains("already a campaign 'only-once'", (string)again.Body!["detail"]!, StringComparison.Ordinal);
        Assert.Equal("country == 'MY'", (string)(await client.GetReplyAsync("/v1/admin/campaigns/only-once")).Body!["targeting"]!);

        var tagged = await PutNewAsync(AdminHttp.Campaign("country == 'SG'"), "\"abc\"");
        Assert.Equal(HttpStatusCode.BadRequest, tagged.Status);
        Assert.Equal("country == 'MY'", (string)(await client.GetReplyAsync("/v1/admin/campaigns/only-once")).Body!["targeting"]!);
    }

    [Fact]
    public async Task PutAndDelete_StaleIfMatch_Are412AndChangeNothing()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        var first = await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign());
        var second = await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'SG'"));
        Assert.NotEqual(first.ETag, second.ETag);

        var stalePut = await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign(status: "paused"), ifMatch: first.ETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stalePut.Status);
        Assert.Contains(second.ETag!, (string?)stalePut.Body!["detail"], StringComparison.Ordinal);
        var staleDelete = await client.DeleteReplyAsync("/v1/admin/campaigns/london", ifMatch: first.ETag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleDelete.Status);

        var read = await client.GetReplyAsync("/v1/admin/campaigns/london");
        Assert.Equal("active", (string?)read.Body!["status"]);
        Assert.Equal(second.ETag, read.ETag);
    }

    [Fact]
    public async Task PutAndDelete_CurrentOrWildcardIfMatch_Succeed()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();

        // '*' means "it exists": it cannot create.
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign(), ifMatch: "*")).Status);
        var created = await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign());

        var paused = await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign(status: "paused"), ifMatch: created.ETag);
        Assert.Equal(HttpStatusCode.OK, paused.Status);
        Assert.Equal("paused", (string?)paused.Body!["status"]);

        var any = await client.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign(), ifMatch: "*");
        Assert.Equal(HttpStatusCode.OK, any.Status);
        Assert.Equal(created.ETag, any.ETag); // same content, same validator

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteReplyAsync("/v1/admin/campaigns/london", ifMatch: $"\"other\", {any.ETag}")).Status);
    }

    [Fact]
    public async Task List_WithLimitAndAfter_PagesInIdOrder()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        foreach (var id in new[] { "s5", "s1", "s4", "s3", "s2" })
        {
            await client.PutAsync($"/v1/admin/sites/{id}", new JsonObject { ["name"] = id, ["timeZone"] = "UTC" });
        }

        var ids = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await client.GetReplyAsync("/v1/admin/sites?limit=3" + (after is null ? "" : "&after=" + after));
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Equal(7, (int)page.Body!["total"]!);
            var items = page.Body["items"]!.AsArray().Select(s => (string)s!["id"]!).ToArray();
            Assert.InRange(items.Length, 1, 3);
            ids.AddRange(items);
            after = (string?)page.Body["next"];
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["other", "s1", "s2", "s3", "s4", "s5", "suara"], ids);

        var all = await client.GetReplyAsync("/v1/admin/sites");
        Assert.Equal(7, all.Body!["items"]!.AsArray().Count);
        Assert.Null(all.Body["next"]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetReplyAsync("/v1/admin/campaigns")).Status);
        Assert.Equal(0, (int)(await client.GetReplyAsync("/v1/admin/campaigns")).Body!["total"]!);
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    public async Task List_BadLimit_Is400(string query)
    {
        using var factory = NewServer();
        var reply = await factory.CreateAdminClient().GetReplyAsync("/v1/admin/placements?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, reply.Status);
    }

    [Theory]
    [InlineData("GET", "/v1/admin/sites")]
    [InlineData("GET", "/v1/admin/campaigns/london")]
    [InlineData("PUT", "/v1/admin/sites/x")]
    [InlineData("DELETE", "/v1/admin/placements/sidebar")]
    [InlineData("GET", "/v1/admin/catalog")]
    [InlineData("PUT", "/v1/admin/catalog")]
    [InlineData("GET", "/v1/admin/audit")]
    [InlineData("POST", "/v1/admin/targeting/validate")]
    [InlineData("POST", "/v1/admin/advertisers/skyway/report-key")]
    public async Task AdminEndpoint_WithoutOrWithWrongKey_Is401WithBearerChallenge(string method, string path)
    {
        using var factory = NewServer();
        foreach (var authorization in new[] { null, "Bearer wrong-key-0123456789", "Basic " + AdsServerFactory.AdminKey, "Bearer " + AdsServerFactory.AdminKey + "x" })
        {
            var client = factory.CreateClient();
            if (authorization is not null)
            {
                client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
            }

            var reply = await client.SendAsync(new HttpMethod(method), path, method is "PUT" or "POST" ? """{"name":"x","timeZone":"UTC"}""" : null);
            Assert.Equal(HttpStatusCode.Unauthorized, reply.Status);
            Assert.Equal("Bearer", reply.Response.Headers.WwwAuthenticate.ToString());
            Assert.Equal(401, (int)reply.Body!["status"]!);
        }

        // Nothing changed behind the refusals.
        var admin = factory.CreateAdminClient();
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetReplyAsync("/v1/admin/sites/x")).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetReplyAsync("/v1/admin/placements/sidebar")).Status);
    }

    [Fact]
    public async Task PutAdvertiser_Creating_ReturnsReportKeyOnceAndRotationRevokesIt()
    {
        using var factory = NewServer();
        var client = factory.CreateAdminClient();
        var reader = factory.CreateClient();
        async Task<HttpStatusCode> ReportWith(string key, string advertiser = "belibox")
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/reports/advertisers/{advertiser}");
            request.Headers.Authorization = new("Bearer", key);
            using var response = await reader.SendAsync(request);
            return response.StatusCode;
        }

        var created = await client.PutAsync("/v1/admin/advertisers/belibox", new JsonObject { ["name"] = "Belibox" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal("belibox", (string?)created.Body!["id"]);
        var first = (string)created.Body["reportKey"]!;
        Assert.True(first.Length >= 32);
        Assert.Equal(HttpStatusCode.OK, await ReportWith(first));
        Assert.Equal(HttpStatusCode.NotFound, await ReportWith(first, "skyway")); // this advertiser's key, nobody else's

        var replaced = await client.PutAsync("/v1/admin/advertisers/belibox", new JsonObject { ["name"] = "Belibox Malaysia" });
        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Null(replaced.Body!["reportKey"]);
        Assert.Null((await client.GetReplyAsync("/v1/admin/advertisers/belibox")).Body!["reportKey"]);
        Assert.Equal(HttpStatusCode.OK, await ReportWith(first)); // replacing keeps the key

        var rotated = await client.SendAsync(HttpMethod.Post, "/v1/admin/advertisers/belibox/report-key");
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        var second = (string)rotated.Body!["reportKey"]!;
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReportWith(first));
        Assert.Equal(HttpStatusCode.OK, await ReportWith(second));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteReplyAsync("/v1/admin/advertisers/belibox")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await ReportWith(second));
    }

    private static void WithoutAdminKey(IWebHostBuilder builder) =>
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?> { ["Ads:AdminKey"] = null }));

    [Fact]
    public async Task AdminKey_NotConfigured_IsGeneratedOnceAndSharedThroughRedis()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document());
        using var b = new AdsServerFactory(TestCatalog.Document(), keyPrefix: a.KeyPrefix);
        using var keyless = a.WithWebHostBuilder(WithoutAdminKey);
        using var keyless2 = b.WithWebHostBuilder(WithoutAdminKey);
        keyless.CreateClient();
        keyless2.CreateClient();

        var generated = (string?)await redis.GetDatabase().StringGetAsync(a.KeyPrefix + "admin-key");
        Assert.NotNull(generated);
        Assert.True(generated.Length >= 32);
        foreach (var server in new[] { keyless, keyless2 })
        {
            var client = server.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", generated);
            Assert.Equal(HttpStatusCode.OK, (await client.GetReplyAsync("/v1/admin/sites")).Status);
            var other = server.CreateClient();
            other.DefaultRequestHeaders.Authorization = new("Bearer", AdsServerFactory.AdminKey);
            Assert.Equal(HttpStatusCode.Unauthorized, (await other.GetReplyAsync("/v1/admin/sites")).Status);
        }
    }
}
