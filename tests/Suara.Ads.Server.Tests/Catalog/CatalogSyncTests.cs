using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>
/// Every instance in step: a change made through one instance reaches another on the same Redis. The contract's
/// "within 1 second" holds because the other instance acts on the change notice at once; these tests keep its clock
/// still (FakeTimeProvider), so the 2 s version poll never fires and only the notice can bring the change. They wait
/// for the version to be in force (a signal, with a guard against hanging), then check what is served.
/// </summary>
public sealed class CatalogSyncTests
{
    /// <summary>Guards against a hang only; the signal normally arrives in milliseconds.</summary>
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(15);

    private static long VersionOf(AdsServerFactory server) => server.Services.GetRequiredService<CatalogSnapshotHolder>().Current.Version;

    /// <summary>Waits until <paramref name="to"/> has the catalog version <paramref name="from"/> has, then checks what it serves.</summary>
    private static async Task AssertInStepAsync(AdsServerFactory from, AdsServerFactory to, string? expected, string country = "SG")
    {
        using var guard = new CancellationTokenSource(s_hangGuard);
        var version = VersionOf(from);
        await to.Services.GetRequiredService<CatalogSnapshotHolder>().WaitForVersionAsync(version, guard.Token);
        Assert.Equal(expected, await AdminHttp.DecideAsync(to.CreateClient(), country));
    }

    [Fact]
    public async Task ChangeOnA_CreatePauseRetargetDelete_ReachesBByTheNotice()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document());
        using var b = new AdsServerFactory(TestCatalog.Document(), keyPrefix: a.KeyPrefix);
        var admin = a.CreateAdminClient();
        var clientB = b.CreateClient();
        Assert.Null(await AdminHttp.DecideAsync(clientB));

        (await admin.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'SG'"))).Expect(HttpStatusCode.Created);
        await AssertInStepAsync(a, b, "london");

        (await admin.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'SG'", status: "paused"))).Expect(HttpStatusCode.OK);
        await AssertInStepAsync(a, b, null);

        (await admin.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'SG'"))).Expect(HttpStatusCode.OK);
        await AssertInStepAsync(a, b, "london");

        (await admin.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'MY'"))).Expect(HttpStatusCode.OK);
        await AssertInStepAsync(a, b, null, country: "SG");
        Assert.Equal("london", await AdminHttp.DecideAsync(clientB, "MY"));

        (await admin.DeleteReplyAsync("/v1/admin/campaigns/london")).Expect(HttpStatusCode.NoContent);
        await AssertInStepAsync(a, b, null, country: "MY");
        Assert.Equal(HttpStatusCode.NotFound, (await b.CreateAdminClient().GetReplyAsync("/v1/admin/campaigns/london")).Status);
    }

    [Fact]
    public async Task ImportOnA_WholeCatalog_ReachesBByTheNotice()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        using var b = new AdsServerFactory(TestCatalog.Document(), keyPrefix: a.KeyPrefix);
        var admin = a.CreateAdminClient();
        Assert.Equal("london", await AdminHttp.DecideAsync(b.CreateClient()));

        var document = (await admin.GetReplyAsync("/v1/admin/catalog")).Body!;
        document["campaigns"]![0]!["id"] = "paris";
        (await admin.PutAsync("/v1/admin/catalog", document)).Expect(HttpStatusCode.OK);

        await AssertInStepAsync(a, b, "paris");
    }

    [Fact]
    public async Task ChangeWithoutANotice_IsPickedUpByThePollWhenItsIntervalPasses()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        Assert.Equal("london", await AdminHttp.DecideAsync(a.CreateClient()));
        var holder = a.Services.GetRequiredService<CatalogSnapshotHolder>();
        var before = holder.Current.Version;

        // Written behind the instance's back, with no notice (as if the notice was lost while disconnected).
        var db = redis.GetDatabase();
        await db.HashSetAsync(a.KeyPrefix + "{catalog}:campaigns", "london", (await db.HashGetAsync(a.KeyPrefix + "{catalog}:campaigns", "london")).ToString().Replace("\"active\"", "\"paused\"", StringComparison.Ordinal));
        var version = await db.StringIncrementAsync(a.KeyPrefix + "{catalog}:version");
        Assert.Equal(before + 1, version);
        Assert.Equal(before, holder.Current.Version); // nothing told it

        a.Time.Advance(CatalogSync.PollInterval);
        using var guard = new CancellationTokenSource(s_hangGuard);
        await holder.WaitForVersionAsync(version, guard.Token);

        Assert.Null(await AdminHttp.DecideAsync(a.CreateClient()));
    }

    [Fact]
    public async Task RestartedInstance_AfterChangesWhileDown_ComesUpWithTheCurrentCatalog()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var admin = a.CreateAdminClient();
        var b = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")), keyPrefix: a.KeyPrefix);
        Assert.Equal("london", await AdminHttp.DecideAsync(b.CreateClient()));
        b.Dispose();

        (await admin.DeleteReplyAsync("/v1/admin/campaigns/london")).Expect(HttpStatusCode.NoContent);
        (await admin.PutAsync("/v1/admin/campaigns/paris", AdminHttp.Campaign())).Expect(HttpStatusCode.Created);

        using var restarted = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")), keyPrefix: a.KeyPrefix);
        Assert.Equal("paris", await AdminHttp.DecideAsync(restarted.CreateClient()));
        var ready = await restarted.CreateClient().GetReplyAsync("/readyz");
        Assert.Equal(3, (long)ready.Body!["catalogVersion"]!);
    }

    [Theory]
    [InlineData("""{"id":"broken","advertiserId":"nobody","name":"Broken","placements":["sidebar"],"creatives":[]}""")]
    [InlineData("{ not json")]
    public async Task StoredCatalog_ThatDoesNotBuild_KeepsTheLastGoodOneServingAndSaysSo(string brokenCampaign)
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var clientA = a.CreateClient();
        Assert.Equal("london", await AdminHttp.DecideAsync(clientA));

        // Something other than the admin API (which validates) writes a campaign that cannot build, and announces it.
        var db = redis.GetDatabase();
        await db.HashSetAsync(a.KeyPrefix + "{catalog}:campaigns", "broken", brokenCampaign);
        var version = await db.StringIncrementAsync(a.KeyPrefix + "{catalog}:version");
        await a.Services.GetRequiredService<CatalogSync>().CheckAsync();

        var ready = (await clientA.GetReplyAsync("/readyz")).Expect(HttpStatusCode.OK).Body!;
        Assert.Equal("ready", (string?)ready["status"]);
        Assert.Equal(version - 1, (long)ready["catalogVersion"]!);
        var error = (string?)ready["catalogError"];
        Assert.NotNull(error);
        Assert.Contains($"version {version}", error, StringComparison.Ordinal);
        Assert.Equal("london", await AdminHttp.DecideAsync(clientA));

        // A new instance cannot build it either: it is not ready, and says why.
        using var b = new AdsServerFactory(TestCatalog.Document(), keyPrefix: a.KeyPrefix);
        var notReady = await b.CreateClient().GetReplyAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.Status);
        Assert.NotNull((string?)notReady.Body!["catalogError"]);

        // Repaired: the next check brings it back in step.
        await db.HashDeleteAsync(a.KeyPrefix + "{catalog}:campaigns", "broken");
        await db.StringIncrementAsync(a.KeyPrefix + "{catalog}:version");
        await a.Services.GetRequiredService<CatalogSync>().CheckAsync();
        ready = (await clientA.GetReplyAsync("/readyz")).Body!;
        Assert.Null(ready["catalogError"]);
        Assert.Equal(version + 1, (long)ready["catalogVersion"]!);
    }
}
