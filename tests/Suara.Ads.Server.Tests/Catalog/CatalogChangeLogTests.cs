using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>
/// Issue 13, goal 3: changes travel as what changed. Every write logs which entities it touched; an instance that is
/// behind applies those to its snapshot (sharing every unchanged compiled campaign) instead of reading and building
/// the whole catalog; when the log cannot tell (an import, a catalog written by a version without the log), it reads
/// the catalog whole, as before. The other instance's clock stands still (FakeTimeProvider): only the notice moves it.
/// </summary>
public sealed class CatalogChangeLogTests
{
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(15);

    private static CatalogSnapshotHolder Holder(AdsServerFactory server) => server.Services.GetRequiredService<CatalogSnapshotHolder>();

    private static async Task<CatalogSnapshot> WaitForAsync(AdsServerFactory server, long version)
    {
        using var guard = new CancellationTokenSource(s_hangGuard);
        await Holder(server).WaitForVersionAsync(version, guard.Token);
        return Holder(server).Current;
    }

    [Fact]
    public async Task ChangeOnA_ReachesBAsAnIncrementalChange_SharingUnchangedCampaigns()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london"), TestCatalog.Campaign("paris", "country == 'MY'")));
        var admin = a.CreateAdminClient(); // A first: it seeds the catalog
        using var b = new AdsServerFactory(TestCatalog.Document(), keyPrefix: a.KeyPrefix);
        var before = Holder(b).Current;
        Assert.Equal(2, before.CampaignCount);

        (await admin.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'SG'", status: "paused"))).Expect(HttpStatusCode.OK);
        (await admin.PutAsync("/v1/admin/campaigns/rome", AdminHttp.Campaign("country == 'SG'"))).Expect(HttpStatusCode.Created);
        var after = await WaitForAsync(b, Holder(a).Current.Version);

        Assert.Equal(Holder(a).Current.Version, after.Version);
        Assert.Same(before.CampaignsById["paris"], after.CampaignsById["paris"]);
        Assert.NotSame(before.CampaignsById["london"], after.CampaignsById["london"]);
        Assert.Equal("rome", await AdminHttp.DecideAsync(b.CreateClient(), "SG"));

        (await admin.DeleteReplyAsync("/v1/admin/campaigns/rome")).Expect(HttpStatusCode.NoContent);
        after = await WaitForAsync(b, Holder(a).Current.Version);
        Assert.False(after.CampaignsById.TryGetValue("rome", out _));
        Assert.Same(before.CampaignsById["paris"], after.CampaignsById["paris"]);
        Assert.Null(await AdminHttp.DecideAsync(b.CreateClient(), "SG"));
    }

    [Fact]
    public async Task ChangesSince_NamesWhatChanged_AndAskForAWholeLoadAfterAnImport()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var store = a.Services.GetRequiredService<RedisCatalogStore>();
        var admin = a.CreateAdminClient();
        var version = Holder(a).Current.Version;

        (await admin.PutAsync("/v1/admin/campaigns/paris", AdminHttp.Campaign())).Expect(HttpStatusCode.Created);
        (await admin.DeleteReplyAsync("/v1/admin/campaigns/london")).Expect(HttpStatusCode.NoContent);
        (await admin.PostAsync("/v1/admin/advertisers/skyway/report-key", null)).EnsureSuccessStatusCode();

        var changes = await store.ChangesSinceAsync(version);
        Assert.NotNull(changes);
        Assert.Equal(version + 3, changes.Version);
        Assert.Equal(["london", "paris"], changes.Changes.Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Null(changes.Changes.Single(c => c.Id == "london").Json);
        Assert.Equal("paris", JsonSerializer.Deserialize(changes.Changes.Single(c => c.Id == "paris").Json, CatalogJsonContext.Default.Campaign)!.Id);
        Assert.Empty((await store.ChangesSinceAsync(version + 3))!.Changes);

        var document = (await admin.GetReplyAsync("/v1/admin/catalog")).Body!;
        (await admin.PutAsync("/v1/admin/catalog", document)).Expect(HttpStatusCode.OK);
        Assert.Null(await store.ChangesSinceAsync(version + 3));
    }

    [Fact]
    public async Task CatalogWrittenByAVersionWithoutTheChangeLog_LoadsWhole_AndChangesThenTravelIncrementally()
    {
        using var redis = TestRedis.Connect();
        var prefix = $"test-{Guid.NewGuid():N}:";
        var db = redis.GetDatabase();

        // The layout as the previous version wrote it: one hash per collection, a version, no change log.
        var document = TestCatalog.Document(TestCatalog.Campaign("london"), TestCatalog.Campaign("paris", "country == 'MY'"));
        foreach (var site in document.Sites)
        {
            await db.HashSetAsync(prefix + "{catalog}:sites", site.Id, JsonSerializer.Serialize(site, CatalogJsonContext.Default.Site));
        }

        foreach (var placement in document.Placements)
        {
            await db.HashSetAsync(prefix + "{catalog}:placements", placement.Id, JsonSerializer.Serialize(placement, CatalogJsonContext.Default.Placement));
        }

        foreach (var advertiser in document.Advertisers)
        {
            await db.HashSetAsync(prefix + "{catalog}:advertisers", advertiser.Id, JsonSerializer.Serialize(advertiser, CatalogJsonContext.Default.Advertiser));
        }

        foreach (var campaign in document.Campaigns)
        {
            await db.HashSetAsync(prefix + "{catalog}:campaigns", campaign.Id, JsonSerializer.Serialize(campaign, CatalogJsonContext.Default.Campaign));
        }

        await db.StringSetAsync(prefix + "{catalog}:version", 7);

        using var a = new AdsServerFactory(TestCatalog.Document(), keyPrefix: prefix);
        using var b = new AdsServerFactory(TestCatalog.Document(), keyPrefix: prefix);
        Assert.Equal(7, Holder(a).Current.Version);
        Assert.Equal(2, Holder(a).Current.CampaignCount);
        Assert.Equal("london", await AdminHttp.DecideAsync(a.CreateClient(), "SG"));
        Assert.Null(await a.Services.GetRequiredService<RedisCatalogStore>().ChangesSinceAsync(6));

        var before = Holder(b).Current;
        (await a.CreateAdminClient().PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'ID'"))).Expect(HttpStatusCode.OK);
        var after = await WaitForAsync(b, 8);
        Assert.Same(before.CampaignsById["paris"], after.CampaignsById["paris"]);
        Assert.Null(await AdminHttp.DecideAsync(b.CreateClient(), "SG"));
        Assert.Equal("london", await AdminHttp.DecideAsync(b.CreateClient(), "ID"));
    }

    [Fact]
    public async Task Put_OnAnInstanceBehind_IsDecidedOnTheCatalogAsStored()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        using var b = new AdsServerFactory(TestCatalog.Document(), keyPrefix: a.KeyPrefix);

        // B never hears of A's change (its notice is handled or not; either way B is asked before it may know)…
        (await a.CreateAdminClient().PutAsync("/v1/admin/advertisers/acme", new System.Text.Json.Nodes.JsonObject { ["name"] = "Acme" })).Expect(HttpStatusCode.Created);

        // …and a campaign of the advertiser A just created is valid on B, which brings its snapshot up first.
        var campaign = AdminHttp.Campaign();
        campaign["advertiserId"] = "acme";
        (await b.CreateAdminClient().PutAsync("/v1/admin/campaigns/acme-1", campaign)).Expect(HttpStatusCode.Created);
        Assert.True(Holder(b).Current.CampaignsById.TryGetValue("acme-1", out _));
        var version = Holder(b).Current.Version;
        Assert.Equal(version, (await WaitForAsync(a, version)).Version);
    }
}
