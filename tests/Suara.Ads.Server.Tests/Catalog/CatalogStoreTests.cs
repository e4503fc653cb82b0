using System.Net;
using System.Text.Json.Nodes;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>The catalog in Redis: versions, audit trail, export and import, seed.</summary>
public sealed class CatalogStoreTests
{
    private static async Task<long> VersionAsync(StackExchange.Redis.ConnectionMultiplexer redis, AdsServerFactory factory) =>
        (long)await redis.GetDatabase().StringGetAsync(factory.KeyPrefix + "{catalog}:version");

    [Fact]
    public async Task Audit_SaysWhoChangedWhat_FieldByField_AndFiltersByEntity()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(TestCatalog.Document());
        var admin = factory.CreateAdminClient();
        using var created = await admin.PostAsync("/v1/admin/keys", new System.Net.Http.StringContent("""{"name":"Aisha (ad-ops)","role":"trafficker"}""", System.Text.Encoding.UTF8, "application/json"));
        var aisha = (string)JsonNode.Parse(await created.Content.ReadAsStringAsync())!["key"]!;
        var trafficker = factory.CreateClient();
        trafficker.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", aisha);

        var campaign = AdminHttp.Campaign();
        campaign["goal"] = new JsonObject { ["impressions"] = 1000, ["per"] = "flight" };
        (await trafficker.PutAsync("/v1/admin/campaigns/kopi", campaign)).Expect(HttpStatusCode.Created);
        campaign["goal"]!["impressions"] = 2500;
        campaign["creatives"]![0]!["clickUrl"] = "https://skyway.example/london?from=kl";
        (await trafficker.PutAsync("/v1/admin/campaigns/kopi", campaign)).Expect(HttpStatusCode.OK);
        await admin.PutAsync("/v1/admin/advertisers/belibox", new JsonObject { ["name"] = "Belibox" });

        var history = (await admin.GetReplyAsync("/v1/admin/audit?kind=campaign&id=kopi")).Expect(HttpStatusCode.OK).Body!["entries"]!.AsArray();
        Assert.Equal(["replace", "create"], history.Select(e => (string)e!["action"]!)); // newest first, only this campaign
        var replaced = history[0]!;
        Assert.Equal("Aisha (ad-ops)", (string)replaced["keyName"]!);
        Assert.Equal(factory.Time.GetUtcNow(), (DateTimeOffset)replaced["time"]!);
        var changes = replaced["changes"]!.AsArray();
        Assert.Equal(["creatives[0].clickUrl", "goal.impressions"], changes.Select(c => (string)c!["path"]!));
        Assert.Equal(1000, (int)changes[1]!["from"]!);
        Assert.Equal(2500, (int)changes[1]!["to"]!);
        Assert.Equal("https://skyway.example/london", (string)changes[0]!["from"]!);

        // A creation lists what was set (nothing before); the key that made it is named.
        var create = history[1]!;
        Assert.Contains(create["changes"]!.AsArray(), c => (string)c!["path"]! == "name" && c["from"] is null && (string)c["to"]! == "Fly London");

        var byKind = (await admin.GetReplyAsync("/v1/admin/audit?kind=advertiser")).Body!["entries"]!.AsArray();
        Assert.All(byKind, e => Assert.Equal("advertiser", (string)e!["kind"]!));
        Assert.Equal("admin key", (string)byKind[0]!["keyName"]!);

        // The key's creation is audited with its name and role, never its secret.
        var keyAudit = (await admin.GetReplyAsync("/v1/admin/audit?kind=key")).Body!.ToJsonString();
        Assert.Contains("Aisha (ad-ops)", keyAudit, StringComparison.Ordinal);
        Assert.DoesNotContain(aisha, keyAudit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_KeepsEntriesForTheConfiguredTime()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(
            TestCatalog.Document(),
            settings: new Dictionary<string, string?>(AdsServerFactory.GenerousLimits) { ["Ads:AuditRetention"] = "2.00:00:00" });
        var admin = factory.CreateAdminClient();
        await admin.PutAsync("/v1/admin/advertisers/old", new JsonObject { ["name"] = "Old" });
        factory.Time.Advance(TimeSpan.FromDays(3));
        await admin.PutAsync("/v1/admin/advertisers/new", new JsonObject { ["name"] = "New" });

        var ids = (await admin.GetReplyAsync("/v1/admin/audit")).Body!["entries"]!.AsArray().Select(e => (string)e!["id"]!).ToArray();
        Assert.Contains("new", ids);
        Assert.DoesNotContain("old", ids); // older than 2 days: trimmed as the next change was written
    }

    [Fact]
    public async Task Audit_EveryChange_RecordsActionKindIdKeyFingerprintAndVersion()
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(TestCatalog.Document());
        var client = factory.CreateAdminClient();
        var site = new JsonObject { ["name"] = "Berita", ["timeZone"] = "UTC" };
        await client.PutAsync("/v1/admin/sites/berita", site);
        site["name"] = "Berita Harian";
        await client.PutAsync("/v1/admin/sites/berita", site);
        await client.DeleteReplyAsync("/v1/admin/sites/berita");
        await client.PutAsync("/v1/admin/advertisers/belibox", new JsonObject { ["name"] = "Belibox" });
        await client.SendAsync(HttpMethod.Post, "/v1/admin/advertisers/belibox/report-key");
        await client.PutAsync("/v1/admin/campaigns/invalid", AdminHttp.Campaign("country ==")); // refused: not audited

        var reply = (await client.GetReplyAsync("/v1/admin/audit")).Expect(HttpStatusCode.OK);

        var entries = reply.Body!["entries"]!.AsArray();
        var actions = entries.Select(e => $"{e!["action"]} {e["kind"]} {e["id"]}").ToArray();
        Assert.Equal(
            ["rotate-report-key advertiser belibox", "create advertiser belibox", "delete site berita", "replace site berita", "create site berita", "seed catalog "],
            actions);
        var fingerprint = SecretComparer.Fingerprint(AdsServerFactory.AdminKey);
        Assert.All(entries.Take(5), e => Assert.Equal(fingerprint, (string?)e!["key"]));
        Assert.Equal("seed", (string?)entries[5]!["key"]);
        Assert.DoesNotContain(AdsServerFactory.AdminKey, reply.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => AdsServerFactory.AdminKey.Contains((string)e!["key"]!, StringComparison.Ordinal));
        var versions = entries.Select(e => (long)e!["version"]!).ToArray();
        Assert.Equal(Enumerable.Range(1, 6).Reverse().Select(v => (long)v), versions);
        Assert.Equal(6, await VersionAsync(redis, factory));
        Assert.All(entries, e => Assert.Equal(factory.Time.GetUtcNow(), DateTimeOffset.Parse((string)e!["at"]!, System.Globalization.CultureInfo.InvariantCulture)));

        var limited = await client.GetReplyAsync("/v1/admin/audit?limit=2");
        Assert.Equal(2, limited.Body!["entries"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetReplyAsync("/v1/admin/audit?limit=0")).Status);
    }

    [Fact]
    public async Task ExportThenImport_RoundTrip_RestoresTheCatalogAndAudits()
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateAdminClient();

        var exported = (await client.GetReplyAsync("/v1/admin/catalog")).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal(["other", "suara"], exported["sites"]!.AsArray().Select(s => (string)s!["id"]!));
        Assert.Equal("london", (string?)exported["campaigns"]![0]!["id"]);

        await client.PutAsync("/v1/admin/campaigns/paris", AdminHttp.Campaign());
        await client.DeleteReplyAsync("/v1/admin/campaigns/london");
        var before = await VersionAsync(redis, factory);

        var imported = (await client.PutAsync("/v1/admin/catalog", exported)).Expect(HttpStatusCode.OK);

        Assert.Equal(before + 1, (long)imported.Body!["version"]!);
        var again = (await client.GetReplyAsync("/v1/admin/catalog")).Body!;
        Assert.Equal(exported.ToJsonString(), again.ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetReplyAsync("/v1/admin/campaigns/paris")).Status);
        Assert.Equal("london", await AdminHttp.DecideAsync(factory.CreateClient()));
        var audit = (await client.GetReplyAsync("/v1/admin/audit?limit=1")).Body!["entries"]![0]!;
        Assert.Equal("import", (string?)audit["action"]);
        Assert.Equal("catalog", (string?)audit["kind"]);
    }

    [Theory]
    [InlineData("""{"sites":[],"placements":[],"advertisers":[],"campaigns":[{"id":"x","advertiserId":"nobody","name":"X","placements":["nowhere"],"creatives":[]}]}""", "campaigns[0].advertiserId")]
    [InlineData("""{"sites":[{"id":"suara","name":"S","timeZone":"UTC"},{"id":"suara","name":"T","timeZone":"UTC"}]}""", "sites[1].id")]
    [InlineData("""{"sites":[{"id":"s","name":"S","timeZone":"UTC"}],"placements":[{"id":"p","site":"gone","name":"P","sizes":["1x1"],"formats":["image"]}]}""", "placements[0].site")]
    [InlineData("""{"sites":[{"id":"s","name":"S","timeZone":"UTC"}],"campaigns":[{"id":"x","weight":"heavy"}]}""", "campaigns[0].weight")]
    [InlineData("""{"sites":[""", "sites[0]")]
    public async Task ImportCatalog_Invalid_Is400AndChangesNothing(string document, string field)
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateAdminClient();
        var before = (await client.GetReplyAsync("/v1/admin/catalog")).Body!.ToJsonString();
        var version = await VersionAsync(redis, factory);

        var reply = await client.SendAsync(HttpMethod.Put, "/v1/admin/catalog", document);

        reply.Expect(HttpStatusCode.BadRequest).Errors(field);
        Assert.Equal(before, (await client.GetReplyAsync("/v1/admin/catalog")).Body!.ToJsonString());
        Assert.Equal(version, await VersionAsync(redis, factory));
        Assert.Equal("london", await AdminHttp.DecideAsync(factory.CreateClient()));
        Assert.Equal("seed", (string?)(await client.GetReplyAsync("/v1/admin/audit")).Body!["entries"]![0]!["action"]);
    }

    [Fact]
    public async Task Seed_IntoExistingCatalog_IsNotImportedAgain()
    {
        using var redis = TestRedis.Connect();
        using var first = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("first")));
        first.CreateClient();
        using var second = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("second")), keyPrefix: first.KeyPrefix);
        var client = second.CreateAdminClient();

        var campaigns = (await client.GetReplyAsync("/v1/admin/campaigns")).Body!["items"]!.AsArray();
        Assert.Equal("first", (string?)Assert.Single(campaigns)!["id"]);
        Assert.Equal("first", await AdminHttp.DecideAsync(second.CreateClient()));
        Assert.Equal(1, await VersionAsync(redis, second));
        Assert.Single((await client.GetReplyAsync("/v1/admin/audit")).Body!["entries"]!.AsArray());
    }

    [Fact]
    public async Task Seed_AfterEverythingWasDeleted_IsNotImportedAgain()
    {
        using var redis = TestRedis.Connect();
        using var first = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("first")));
        var client = first.CreateAdminClient();
        (await client.DeleteReplyAsync("/v1/admin/campaigns/first")).Expect(HttpStatusCode.NoContent);

        using var restarted = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("first")), keyPrefix: first.KeyPrefix);
        Assert.Equal(0, (int)(await restarted.CreateAdminClient().GetReplyAsync("/v1/admin/campaigns")).Body!["total"]!);
        Assert.Null(await AdminHttp.DecideAsync(restarted.CreateClient()));
    }
}
