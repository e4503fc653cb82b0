using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis.Profiling;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Hosting;
using Suara.Ads.Server.Tests.Catalog;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Delivery;

/// <summary>
/// Each instance refreshes the delivered totals every second; after its first read it re-reads only the campaigns marked
/// changed, so an idle instance's Redis traffic does not grow with the catalog, and a change made on another instance is
/// still seen at the next refresh.
/// </summary>
public sealed class DeliveryRefreshTests
{
    private const int Campaigns = 300;

    /// <summary>An idle refresh's reads: the sweep's own hashes, one at a time, and one group's hash.</summary>
    private static int IdleReads(RedisDeliveryLedger ledger) => ledger.OwnSweepPerRefresh + 1;

    private static CatalogDocument ManyGoals()
    {
        var campaigns = Enumerable.Range(0, Campaigns)
            .Select(i => TestCatalog.Campaign($"c{i:000}") with { Goal = new CampaignGoal { Impressions = 1_000_000, Per = i % 2 == 0 ? "flight" : "day" } })
            .ToArray();
        return TestCatalog.Document(campaigns);
    }

    [Fact]
    public async Task IdleRefresh_SendsOneCommand_WhateverTheCatalogSize_AndAChangeOnAnotherInstanceIsReadAtTheNext()
    {
        var catalog = ManyGoals();
        using var reader = new AdsServerFactory(catalog);
        using var writer = new AdsServerFactory(catalog, keyPrefix: reader.KeyPrefix);
        var ledger = reader.Services.GetRequiredService<RedisDeliveryLedger>();
        _ = reader.CreateClient();

        // The first read covers every campaign with a goal; the next ones, with nothing changed, none.
        var first = await ProfileAsync(reader, ledger.RefreshAsync);
        Assert.True(first.Refreshed);
        var idle = await ProfileAsync(reader, ledger.RefreshAsync);
        Assert.True(idle.Refreshed);
        Assert.Equal(IdleReads(ledger), idle.Reads); // the sweep's few, in turn, and nothing else
        Assert.True(idle.Commands <= IdleReads(ledger) + 2, $"an idle refresh sent {idle.Commands} commands");

        // Another instance counts an impression: the next refresh here reads that campaign, and only it.
        var writerClient = writer.CreateClient();
        var slot = await Pages.ServeAsync(writerClient);
        Assert.NotNull(slot);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, await Pages.BeaconAsync(writerClient, slot.ImpressionUrl));
        await writer.Services.GetRequiredService<Server.Events.CountingFlusher>().FlushAsync();
        var changed = await ProfileAsync(reader, ledger.RefreshAsync);
        Assert.True(changed.Refreshed);
        Assert.InRange(changed.Reads, IdleReads(ledger), IdleReads(ledger) + 2); // that campaign besides the sweep's (in its own hash, or its group's)
        Assert.True(ledger.TryGetFlightDelivered(slot.CampaignId, out var delivered));
        Assert.Equal(1, delivered);

        // Every other campaign kept its totals, and a new site day starts at 0 without reading them.
        // (Moving the clock wakes the instance's own refresher: let its refresh end before profiling one.)
        reader.Time.Advance(TimeSpan.FromDays(1));
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30))) // against a hang, not a timing assertion
        {
            while (ledger.Age >= TimeSpan.FromDays(1))
            {
                await Task.Delay(10, guard.Token);
            }
        }

        var nextDay = await ProfileAsync(reader, ledger.RefreshAsync);
        Assert.True(nextDay.Refreshed);
        Assert.True(nextDay.Reads <= IdleReads(ledger) + 2, $"{nextDay.Reads} reads on a new day");
        var today = (int)(TimeZoneInfo.ConvertTime(reader.Time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Asia/Kuala_Lumpur")).DateTime.Ticks / TimeSpan.TicksPerDay);
        foreach (var id in (string[])["c000", "c001", slot.CampaignId])
        {
            Assert.True(ledger.TryGetFlightDelivered(id, out var flight), id);
            Assert.Equal(id == slot.CampaignId ? 1 : 0, flight);
            Assert.True(ledger.TryGetDayDelivered(id, today, out var day), id);
            Assert.Equal(0, day);
        }
    }

    [Fact]
    public async Task AnImpressionWrittenAfterARedisOutage_IsReadByTheOtherInstance()
    {
        using var redisProcess = new RedisProcess();
        var catalog = ManyGoals();
        using var reader = new AdsServerFactory(catalog, redis: redisProcess.Configuration);
        using var writer = new AdsServerFactory(catalog, keyPrefix: reader.KeyPrefix, redis: redisProcess.Configuration);
        var ledger = reader.Services.GetRequiredService<RedisDeliveryLedger>();
        _ = reader.CreateClient();
        Assert.True(await ledger.RefreshAsync());

        // The writer's impression waits out an outage, then is written; its mark goes with it.
        var writerClient = writer.CreateClient();
        var slot = await Pages.ServeAsync(writerClient);
        Assert.NotNull(slot);
        redisProcess.Stop();
        Assert.Equal(System.Net.HttpStatusCode.NoContent, await Pages.BeaconAsync(writerClient, slot.ImpressionUrl));
        var flusher = writer.Services.GetRequiredService<Server.Events.CountingFlusher>();
        await flusher.FlushAsync();
        redisProcess.Start();
        using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30))) // against a hang, not a timing assertion
        {
            await writer.Services.GetRequiredService<RedisConnection>().WaitUntilConnectedAsync(guard.Token);
            await reader.Services.GetRequiredService<RedisConnection>().WaitUntilConnectedAsync(guard.Token);
        }

        await flusher.FlushAsync();
        Assert.True(await ledger.RefreshAsync());
        Assert.True(ledger.TryGetFlightDelivered(slot.CampaignId, out var delivered));
        Assert.Equal(1, delivered);
    }

    [Fact]
    public async Task AChangeWhoseMarkWasLost_IsStillRead_WhenTheSweepComesToIt()
    {
        var catalog = ManyGoals();
        using var reader = new AdsServerFactory(catalog);
        var ledger = reader.Services.GetRequiredService<RedisDeliveryLedger>();
        _ = reader.CreateClient();
        Assert.True(await ledger.RefreshAsync());

        // Counted behind the marks' back: as if an instance died after writing its counts and before marking them.
        using var redis = TestRedis.Connect();
        var keys = reader.Services.GetRequiredService<DeliveryKeys>();
        await redis.GetDatabase().HashIncrementAsync(keys.Delivery("c123"), "total", 5);

        var refreshes = 0;
        long delivered;
        do
        {
            Assert.True(await ledger.RefreshAsync());
            Assert.True(ledger.TryGetFlightDelivered("c123", out delivered));
            refreshes++;
        }
        while (delivered == 0 && refreshes <= Campaigns / ledger.OwnSweepPerRefresh + 1);

        Assert.Equal(5, delivered);
    }

    [Fact]
    public async Task AStart_ReadsEveryCampaignOnce_AndItsFirstRefreshOnlyWhatChanged()
    {
        using var factory = new AdsServerFactory(ManyGoals());
        _ = factory.CreateClient();
        var snapshot = factory.Services.GetRequiredService<Core.Snapshot.CatalogSnapshotHolder>().Current;

        // A ledger as a fresh start has it: the first catalog's preparation reads every campaign with a goal (its own
        // hash each, and the groups' hashes)...
        var fresh = ActivatorUtilities.CreateInstance<RedisDeliveryLedger>(factory.Services);
        var prepared = await ProfileAsync(factory, async () =>
        {
            await fresh.PrepareAsync(snapshot);
            return true;
        });
        Assert.InRange(prepared.Reads, Campaigns, Campaigns + Core.Counting.CounterGroups.Count);
        Assert.False(fresh.IsLoaded); // ready only once a refresh has read (the health check's rule)

        // ...and the first refresh, which makes it ready, reads only what changed since (nothing: the sweep's few), not
        // every campaign again.
        var first = await ProfileAsync(factory, fresh.RefreshAsync);
        Assert.True(first.Refreshed);
        Assert.True(first.Reads <= IdleReads(fresh) + 2, $"the first refresh after the preparation read {first.Reads} times");
        Assert.True(fresh.IsLoaded);
        foreach (var id in (string[])["c000", "c150", "c299"])
        {
            Assert.True(fresh.TryGetFlightDelivered(id, out var delivered), id);
            Assert.Equal(0, delivered);
        }
    }

    [Fact]
    public async Task ACampaignAddedWithAGoal_IsKnownOnceItsChangeAnswers_ReadAlone()
    {
        using var factory = new AdsServerFactory(ManyGoals());
        var admin = factory.CreateAdminClient();
        var ledger = factory.Services.GetRequiredService<RedisDeliveryLedger>();
        Assert.False(ledger.TryGetFlightDelivered("c150x", out _));

        // Its preparation finds it in the one chunk of the catalog that changed and reads it alone; the others keep
        // what they had.
        var campaign = AdminHttp.Campaign();
        campaign["goal"] = new System.Text.Json.Nodes.JsonObject { ["impressions"] = 1_000, ["per"] = "flight" };
        var put = await ProfileAsync(factory, async () => (await admin.PutAsync("/v1/admin/campaigns/c150x", campaign)).Status == System.Net.HttpStatusCode.Created);
        Assert.True(put.Refreshed);
        Assert.InRange(put.Reads, 1, 1 + Core.Counting.CounterGroups.Count);
        Assert.True(ledger.TryGetFlightDelivered("c150x", out var delivered));
        Assert.Equal(0, delivered);
        Assert.True(ledger.TryGetFlightDelivered("c299", out _));
    }

    /// <summary>Runs <paramref name="refresh"/> with the instance's Redis commands profiled: its result, the HMGETs (one per campaign read) and all commands.</summary>
    private static async Task<(bool Refreshed, int Reads, int Commands)> ProfileAsync(AdsServerFactory factory, Func<Task<bool>> refresh)
    {
        var multiplexer = factory.Services.GetRequiredService<RedisConnection>().Multiplexer;
        var session = new ProfilingSession();
        multiplexer.RegisterProfiler(() => session);
        bool refreshed;
        try
        {
            refreshed = await refresh();
        }
        finally
        {
            multiplexer.RegisterProfiler(() => null);
        }

        var commands = session.FinishProfiling().ToList();
        return (refreshed, commands.Count(c => c.Command == "HMGET"), commands.Count);
    }
}
