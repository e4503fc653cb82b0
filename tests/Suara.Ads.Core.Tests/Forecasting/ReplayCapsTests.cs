using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Delivery;
using Suara.Ads.Core.Forecasting;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Core.Tests.Support;
using static Suara.Ads.Core.Tests.Support.TestCatalog;

namespace Suara.Ads.Core.Tests.Forecasting;

/// <summary>The replay's store of the sampled viewers' cap counts: the counts a dictionary per viewer held, no allocation in use.</summary>
public sealed class ReplayCapsTests
{
    private static readonly DateTime Monday = new(2026, 11, 30, 0, 0, 0, DateTimeKind.Unspecified);

    // 130 campaigns, so that indexes 64 apart share a bit of the store's filter.
    private static CatalogSnapshot Catalog() =>
        CatalogSnapshotBuilder.Build(Document(Enumerable.Range(0, 130).Select(i => Campaign($"c{i}") with { FrequencyCap = new FrequencyCap { Impressions = 5, Per = "day" } }).ToArray()), 1);

    [Fact]
    public void Counts_RandomAddsForViewersAndReplicas_AreTheCountsOfADictionaryPerViewer()
    {
        var snapshot = Catalog();
        var caps = new ReplayCaps(snapshot, viewerBound: 400, replicas: 3);
        var expected = new Dictionary<(int Slot, int Campaign, long Window), int>();
        var random = new Random(8);
        long[] windows = [FrequencyWindows.Key(CapPeriod.Day, Monday), FrequencyWindows.Key(CapPeriod.Week, Monday), FrequencyWindows.Key(CapPeriod.Hour, Monday.AddHours(5)), FrequencyWindows.Key(CapPeriod.Flight, Monday)];
        for (var i = 0; i < 5_000; i++)
        {
            // Viewers of this shard (numbers of one residue modulo the shard count), as the compiler splits them.
            var slot = caps.SlotOf((random.Next(100) * ForecastReplay.ShardCount) + 1, random.Next(3));
            var campaign = snapshot.Campaigns[random.Next(2) == 0 ? random.Next(3) * 64 : random.Next(130)];
            var window = windows[random.Next(windows.Length)];
            caps.Add(slot, campaign, window);
            expected[(slot, campaign.Index, window)] = expected.GetValueOrDefault((slot, campaign.Index, window)) + 1;
        }

        for (var viewer = 0; viewer < 100; viewer++)
        {
            for (var replica = 0; replica < 3; replica++)
            {
                var slot = caps.SlotOf((viewer * ForecastReplay.ShardCount) + 1, replica);
                caps.Select(slot);
                foreach (var campaign in snapshot.Campaigns)
                {
                    foreach (var window in windows)
                    {
                        Assert.Equal(expected.GetValueOrDefault((slot, campaign.Index, window)), caps.History.Count(campaign.Id, window));
                    }
                }
            }
        }
    }

    [Fact]
    public void ForgetBefore_NextDay_DropsTheOverWindowsOnly_AndReusesTheirEntriesWithoutAllocating()
    {
        var snapshot = Catalog();
        var caps = new ReplayCaps(snapshot, viewerBound: 4_000, replicas: 1);
        var day = FrequencyWindows.Key(CapPeriod.Day, Monday);
        var week = FrequencyWindows.Key(CapPeriod.Week, Monday);
        var flight = FrequencyWindows.Key(CapPeriod.Flight, Monday);
        void Fill(long window)
        {
            for (var viewer = 0; viewer < 4_000; viewer += ForecastReplay.ShardCount)
            {
                caps.Add(caps.SlotOf(viewer, 0), snapshot.Campaigns[viewer % 7], window);
            }
        }

        Fill(day);
        Fill(week);
        Fill(flight);
        caps.ForgetBefore(Monday.AddDays(1));

        var slot = caps.SlotOf(8, 0);
        caps.Select(slot);
        var campaign = snapshot.Campaigns[1];
        Assert.Equal(0, caps.Count(campaign, day));
        Assert.Equal(1, caps.Count(campaign, week));
        Assert.Equal(1, caps.Count(campaign, flight));

        // The next day's counts take the entries the first day's left: nothing is allocated.
        var nextDay = FrequencyWindows.Key(CapPeriod.Day, Monday.AddDays(1));
        var bytes = Allocations.LeastOfThreeRounds(() => { Fill(nextDay); caps.ForgetBefore(Monday.AddDays(2)); }, warmUps: 2, times: 3);
        Assert.Equal(0, bytes);
        caps.Select(slot);
        Assert.Equal(1, caps.Count(campaign, week));
    }
}
