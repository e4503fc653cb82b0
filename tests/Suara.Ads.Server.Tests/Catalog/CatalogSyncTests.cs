using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>Every instance in step: a change made through one instance reaches another on the same Redis within 1 s.</summary>
public sealed class CatalogSyncTests
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(1);

    /// <summary>Asks <paramref name="client"/> until it serves <paramref name="expected"/> or 1 s has passed.</summary>
    private static async Task AssertServesWithinDeadlineAsync(HttpClient client, string? expected, string country = "SG")
    {
        var watch = Stopwatch.StartNew();
        string? served;
        while ((served = await AdminHttp.DecideAsync(client, country)) != expected && watch.Elapsed < s_deadline)
        {
            await Task.Delay(10); // polling an outcome with a deadline, not waiting for time to pass
        }

        Assert.True(served == expected, $"after {watch.ElapsedMilliseconds} ms instance B serves '{served}', expected '{expected}'");
    }

    [Fact]
    public async Task ChangeOnA_CreatePauseRetargetDelete_ReachesBWithinOneSecond()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document());
        using var b = new AdsServerFactory(TestCatalog.Document(), keyPrefix: a.KeyPrefix);
        var admin = a.CreateAdminClient();
        var clientB = b.CreateClient();
        Assert.Null(await AdminHttp.DecideAsync(clientB));

        (await admin.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'SG'"))).Expect(HttpStatusCode.Created);
        await AssertServesWithinDeadlineAsync(clientB, "london");

        (await admin.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'SG'", status: "paused"))).Expect(HttpStatusCode.OK);
        await AssertServesWithinDeadlineAsync(clientB, null);

        (await admin.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'SG'"))).Expect(HttpStatusCode.OK);
        await AssertServesWithinDeadlineAsync(clientB, "london");

        (await admin.PutAsync("/v1/admin/campaigns/london", AdminHttp.Campaign("country == 'MY'"))).Expect(HttpStatusCode.OK);
        await AssertServesWithinDeadlineAsync(clientB, null, country: "SG");
        Assert.Equal("london", await AdminHttp.DecideAsync(clientB, "MY"));

        (await admin.DeleteReplyAsync("/v1/admin/campaigns/london")).Expect(HttpStatusCode.NoContent);
        await AssertServesWithinDeadlineAsync(clientB, null, country: "MY");
        Assert.Equal(HttpStatusCode.NotFound, (await b.CreateAdminClient().GetReplyAsync("/v1/admin/campaigns/london")).Status);
    }

    [Fact]
    public async Task ImportOnA_WholeCatalog_ReachesBWithinOneSecond()
    {
        using var redis = TestRedis.Connect();
        using var a = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        using var b = new AdsServerFactory(TestCatalog.Document(), keyPrefix: a.KeyPrefix);
        var admin = a.CreateAdminClient();
        Assert.Equal("london", await AdminHttp.DecideAsync(b.CreateClient()));

        var document = (await admin.GetReplyAsync("/v1/admin/catalog")).Body!;
        document["campaigns"]![0]!["id"] = "paris";
        (await admin.PutAsync("/v1/admin/catalog", document)).Expect(HttpStatusCode.OK);

        await AssertServesWithinDeadlineAsync(b.CreateClient(), "paris");
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
