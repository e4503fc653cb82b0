using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Snapshot;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Reports;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Reports;

/// <summary>
/// Closed days of hourly counters packed into one string (docs/redis.md, "Packed days"): reports read the same numbers
/// before and after, whatever came late or stopped half-way; and the streamed JSON of a campaign report is the
/// serializer's, byte for byte.
/// </summary>
public sealed class PackedDaysTests
{
    // The tests run the packing passes themselves (a report that meets an unpacked closed day still asks for one).
    private static readonly Dictionary<string, string?> NoPackingPass = new(AdsServerFactory.GenerousLimits) { ["Ads:Reports:PackingInterval"] = "00:00:00" };

    private const string Report = "/v1/reports/campaigns/priced?from=2026-11-29&to=2026-12-03&granularity=hour";

    /// <summary>
    /// Where a day of campaign "priced" is counted: its own keys (tokens of versions 1-3, and an instance with the counting
    /// groups off) or its counting group's (docs/redis.md, "Counting groups"), whose packing pass owner is the group.
    /// </summary>
    private sealed record DayKeys(Func<long, RedisKey> Hash, Func<long, RedisKey> Packing, Func<long, RedisKey> Packed, string Owner, string FieldPrefix);

    private static DayKeys KeysOf(AdsServerFactory server, bool groups)
    {
        var keys = server.Services.GetRequiredService<CounterKeys>();
        var group = Core.Counting.CounterGroups.Of("priced");
        return groups
            ? new(day => keys.GroupCounters(group, day), day => keys.GroupPacking(group, day), day => keys.GroupPacked(group, "priced", day), Core.Counting.CounterGroups.Owner(group), "priced|")
            : new(day => keys.Counters("priced", day), day => keys.Packing("priced", day), day => keys.Packed("priced", day), "priced", "");
    }

    private static Dictionary<string, string?> Settings(bool groups) => new(NoPackingPass) { ["Ads:CountingGroups"] = groups ? "true" : "false" };

    private static Campaign Priced() =>
        TestCatalog.Campaign("priced") with { Rate = new CampaignRate { Model = "cpm", Amount = 12.5m, Currency = "MYR" } };

    private static async Task<string> ReportAsync(HttpClient client, string path = Report)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey) } };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return text;
    }

    /// <summary>Impressions in three hours of 30 November (UTC day <paramref name="utcDay"/>), a click on the first, all written to Redis.</summary>
    private static async Task<long> TrafficAsync(AdsServerFactory server, HttpClient client)
    {
        var utcDay = server.Time.GetUtcNow().ToUnixTimeSeconds() / 86_400;
        for (var hour = 0; hour < 3; hour++)
        {
            for (var i = 0; i < 2 + hour; i++)
            {
                var slot = await Pages.ServeAsync(client);
                Assert.NotNull(slot);
                Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl));
                if (hour == 0 && i == 0)
                {
                    Assert.Equal(HttpStatusCode.Redirect, await Pages.BeaconAsync(client, slot.ClickUrl));
                }
            }

            server.Time.Advance(TimeSpan.FromHours(1));
        }

        await server.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        return utcDay;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APackedDay_ReportsWhatItsHashDid_AndACountThatCameLaterAddsUp(bool groups)
    {
        using var redis = TestRedis.Connect();
        using var server = new AdsServerFactory(TestCatalog.Document(Priced()), settings: Settings(groups));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var day = await TrafficAsync(server, client);
        var before = await ReportAsync(client);
        Assert.Contains("\"impressions\":9,", before, StringComparison.Ordinal);

        // Two days on the day is closed: the pass packs it, and the report is the same to the byte.
        server.Time.Advance(TimeSpan.FromDays(2));
        var compactor = server.Services.GetRequiredService<CounterCompactor>();
        var keys = KeysOf(server, groups);
        var db = redis.GetDatabase();
        var ttl = await db.KeyTimeToLiveAsync(keys.Hash(day));
        Assert.True(await compactor.PackAsync(keys.Owner, day));
        Assert.False(await db.KeyExistsAsync(keys.Hash(day)));
        Assert.False(await db.KeyExistsAsync(keys.Packing(day)));
        Assert.InRange((await db.KeyTimeToLiveAsync(keys.Packed(day)))!.Value, ttl!.Value - TimeSpan.FromMinutes(1), ttl.Value);
        Assert.Equal(before, await ReportAsync(client));

        // A count written after the packing (held through an outage, say) starts a new hash: read beside the packed day,
        // then packed as a second part; the report adds it up either way.
        var field = (await db.HashGetAllAsync(keys.Hash(day))).Length == 0
            ? FirstImpressionField(await db.StringGetAsync(keys.Packed(day)))
            : throw new InvalidOperationException("the day's hash should be gone");
        await db.HashIncrementAsync(keys.Hash(day), keys.FieldPrefix + field, 5);
        var late = await ReportAsync(client);
        Assert.Contains("\"impressions\":14,", late, StringComparison.Ordinal);
        await compactor.PackAsync(keys.Owner, day); // or the report's request did it first
        Assert.False(await db.KeyExistsAsync(keys.Hash(day)));
        Assert.Equal(2, Encoding.UTF8.GetString((await db.StringGetAsync(keys.Packed(day)))!).Split('\n').Count(l => l.StartsWith('=')));
        Assert.Equal(late, await ReportAsync(client));
        Assert.False(await compactor.PackAsync(keys.Owner, day)); // nothing left to pack
    }

    [Fact]
    public async Task AGroupDay_PackedPerOwner_ReportsWhatItsHashDid_AlsoWhenAPassStoppedHalfWay()
    {
        // Arrange: the day counted in the campaign's counting group (docs/redis.md, "Counting groups").
        using var redis = TestRedis.Connect();
        using var server = new AdsServerFactory(TestCatalog.Document(Priced()), settings: Settings(groups: true));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var day = await TrafficAsync(server, client);
        var before = await ReportAsync(client);
        Assert.Contains("\"impressions\":9,", before, StringComparison.Ordinal);
        var keys = server.Services.GetRequiredService<CounterKeys>();
        var db = redis.GetDatabase();
        var group = Core.Counting.CounterGroups.Of("priced");
        Assert.True(await db.KeyExistsAsync(keys.GroupCounters(group, day)));

        // A pass renamed the group's day and stopped before it moved anything: still counted.
        await db.KeyRenameAsync(keys.GroupCounters(group, day), keys.GroupPacking(group, day));
        await db.HashSetAsync(keys.GroupPacking(group, day), PackedCounters.PassField, "a-pass-that-stopped");
        Assert.Equal(before, await ReportAsync(client));

        // Act: the next pass, once the day is closed.
        server.Time.Advance(TimeSpan.FromDays(2));
        Assert.True(await server.Services.GetRequiredService<CounterCompactor>().RunPassAsync(CancellationToken.None) >= 1);

        // Assert: the campaign's counts in its packed string, the group's hashes gone, the same report.
        Assert.False(await db.KeyExistsAsync(keys.GroupPacking(group, day)));
        Assert.False(await db.KeyExistsAsync(keys.GroupCounters(group, day)));
        Assert.True(await db.KeyExistsAsync(keys.GroupPacked(group, "priced", day)));
        Assert.Equal(before, await ReportAsync(client));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task APackingStoppedHalfWay_IsStillCounted_AndTheNextPassFinishesIt(bool groups)
    {
        using var redis = TestRedis.Connect();
        using var server = new AdsServerFactory(TestCatalog.Document(Priced()), settings: Settings(groups));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var day = await TrafficAsync(server, client);
        var before = await ReportAsync(client);

        // A pass renamed the day's hash and stopped before it wrote the packed day.
        var keys = KeysOf(server, groups);
        var db = redis.GetDatabase();
        await db.KeyRenameAsync(keys.Hash(day), keys.Packing(day));
        await db.HashSetAsync(keys.Packing(day), PackedCounters.PassField, "a-pass-that-stopped");
        Assert.Equal(before, await ReportAsync(client));

        // The next pass (once the day is closed) finishes it: the same report, from the packed day alone.
        server.Time.Advance(TimeSpan.FromDays(2));
        var packed = await server.Services.GetRequiredService<CounterCompactor>().RunPassAsync(CancellationToken.None);
        Assert.True(packed >= 1);
        Assert.False(await db.KeyExistsAsync(keys.Packing(day)));
        Assert.False(await db.KeyExistsAsync(keys.Hash(day)));
        Assert.True(await db.KeyExistsAsync(keys.Packed(day)));
        Assert.Equal(before, await ReportAsync(client));

        // The day is marked packed: a second pass has nothing to do.
        Assert.Equal(0, await server.Services.GetRequiredService<CounterCompactor>().RunPassAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AReportOfAClosedDayStillInItsHash_AsksForItToBePacked(bool groups)
    {
        using var redis = TestRedis.Connect();
        using var server = new AdsServerFactory(TestCatalog.Document(Priced()), settings: Settings(groups));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var day = await TrafficAsync(server, client);
        server.Time.Advance(TimeSpan.FromDays(2));
        var before = await ReportAsync(client);

        // Packed in the background, soon after the report that met it.
        var keys = KeysOf(server, groups);
        var db = redis.GetDatabase();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await db.KeyExistsAsync(keys.Packed(day)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(await db.KeyExistsAsync(keys.Packed(day)));
        Assert.Equal(before, await ReportAsync(client));
    }

    [Fact]
    public async Task WithTheGroupsOn_ThePassTriesTheOwnersRecordedWithADayOfTheirOwn_NotTheWholeCatalog()
    {
        // Arrange: a day counted in groups, and an old token (version 2, counted per campaign): priced's own hash, recorded
        // by the per-campaign path; and a site's own hash written behind its back (nothing records it).
        using var redis = TestRedis.Connect();
        using var server = new AdsServerFactory(TestCatalog.Document(Priced()), settings: Settings(groups: true));
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var day = await TrafficAsync(server, client);
        var slot = await Pages.ServeAsync(client);
        Assert.NotNull(slot);
        Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, OldTokens.Version2Like(server.Services, slot.ImpressionUrl).Impression));
        await server.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        var report = await ReportAsync(client);
        Assert.Contains("\"impressions\":10,", report, StringComparison.Ordinal);
        var keys = server.Services.GetRequiredService<CounterKeys>();
        var db = redis.GetDatabase();
        Assert.Equal(["priced"], (await db.SetMembersAsync(keys.PerCampaignOwners(day))).Select(m => (string)m!));
        await db.HashIncrementAsync(keys.Counters("@suara", day), $"{(day * 24) + 5}|sidebar||r", 3);

        // Act: the pass, once the day is closed.
        server.Time.Advance(TimeSpan.FromDays(2));
        Assert.True(await server.Services.GetRequiredService<CounterCompactor>().RunPassAsync(CancellationToken.None) >= 2);

        // Assert: priced's own day and its group's day packed; the unrecorded site's hash not tried (still read by reports).
        Assert.False(await db.KeyExistsAsync(keys.Counters("priced", day)));
        Assert.True(await db.KeyExistsAsync(keys.Packed("priced", day)));
        Assert.True(await db.KeyExistsAsync(keys.GroupPacked(Core.Counting.CounterGroups.Of("priced"), "priced", day)));
        Assert.True(await db.KeyExistsAsync(keys.Counters("@suara", day)));
        Assert.Equal(report, await ReportAsync(client));
    }

    [Fact]
    public void Pack_KeepsEveryCount_InRowsOrderedByHourPlacementAndCreative()
    {
        HashEntry[] fields =
        [
            new("491001|top|b|i", 3), new("491000|side|a|s", 4), new("491001|top|b|s", 3), new("491000|side|a|i", 2),
            new("491000|side|a|xb", 1), new("#", "a-pass"), new("not a count", 9), new("491001|top|b|c", "x"),
        ];

        var text = Encoding.UTF8.GetString(PackedCounters.Pack(fields));

        Assert.Equal("=a|b|side|top\n491000|2|0|s=4,i=2,xb=1\n491001|3|1|i=3,s=3\n", text);
        Assert.Equal([("s", 4L), ("i", 2L), ("xb", 1L), ("i", 3L), ("s", 3L)], CounterReader.Unpack(Encoding.UTF8.GetBytes(text)));
        Assert.Empty(PackedCounters.Pack([new HashEntry("#", "a-pass")]));

        // A malformed line or count is skipped, the rest read.
        var damaged = Encoding.UTF8.GetBytes("=a|b\n491000|x|0|s=1\nnonsense\n491000|0|1|s=x,i=2\n");
        Assert.Equal([("i", 2L)], CounterReader.Unpack(damaged));
    }

    [Fact]
    public async Task TheStreamedCampaignReport_IsTheSerializersJson_ByteForByte()
    {
        using var redis = TestRedis.Connect();
        var flat = TestCatalog.Campaign("flat") with { Rate = new CampaignRate { Model = "flat", Amount = 620m, Currency = "MYR" } };
        using var server = new AdsServerFactory(TestCatalog.Document(Priced(), flat, TestCatalog.Campaign("unpriced")), settings: NoPackingPass);
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var day = await TrafficAsync(server, client);

        // Rows with invalid traffic, rows without, a packed day and an open one.
        var keys = server.Services.GetRequiredService<CounterKeys>();
        var db = redis.GetDatabase();
        var hour = (day * 24) + 5;
        foreach (var campaign in new[] { "priced", "flat", "unpriced" })
        {
            await db.HashIncrementAsync(keys.Counters(campaign, day), $"{hour}|article-top|banner|i", 40);
            await db.HashIncrementAsync(keys.Counters(campaign, day), $"{hour}|article-top|banner|xb", 3);
            await db.HashIncrementAsync(keys.Counters(campaign, day + 2), $"{hour + 48}|article-top|banner|xf", 2);
            await db.HashIncrementAsync(keys.DailyCounters(campaign, 202611), "2026-11-30|article-top|banner|i", 40);
            await db.HashIncrementAsync(keys.DailyCounters(campaign, 202611), "2026-11-30|article-top|banner|xb", 3);
        }

        // More rows than one chunk of the streamed writer (2,048): 72 hours of 40 creatives.
        await Task.WhenAll(Enumerable.Range(0, 72 * 40).Select(i => db.HashIncrementAsync(keys.Counters("priced", day + (i / 40 / 24)), $"{(day * 24) + (i / 40)}|sidebar|c{i % 40}|i", 1 + (i % 7))));

        server.Time.Advance(TimeSpan.FromDays(2));
        await server.Services.GetRequiredService<CounterCompactor>().PackAsync("priced", day);
        var service = server.Services.GetRequiredService<ReportService>();
        var snapshot = server.Services.GetRequiredService<CatalogSnapshotHolder>().Current;
        foreach (var (campaign, hourly) in new[] { ("priced", true), ("priced", false), ("flat", true), ("flat", false), ("unpriced", true) })
        {
            var compiled = snapshot.CampaignsById[campaign];
            var report = await service.CampaignAsync(compiled, snapshot.ZoneOf(compiled), new DateOnly(2026, 11, 28), new DateOnly(2026, 12, 3), hourly);
            Assert.NotEmpty(report.Rows);
            Assert.True(campaign != "priced" || !hourly || report.Rows.Count > 2048, $"{report.Rows.Count} rows");

            var expected = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(expected))
            {
                JsonSerializer.Serialize(writer, report, ReportsJsonContext.Written.CampaignReport);
            }

            var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0)); // read after the whole report is written
            await CampaignReportJson.WriteAsync(pipe.Writer, report, CancellationToken.None);
            await pipe.Writer.CompleteAsync();
            var streamed = await pipe.Reader.ReadAsync();
            while (!streamed.IsCompleted)
            {
                pipe.Reader.AdvanceTo(streamed.Buffer.Start, streamed.Buffer.End);
                streamed = await pipe.Reader.ReadAsync();
            }

            Assert.Equal(Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(streamed.Buffer)));
            pipe.Reader.AdvanceTo(streamed.Buffer.End);
        }
    }

    /// <summary>The field of the first packed row's impressions, as the counting script names it.</summary>
    private static string FirstImpressionField(RedisValue packed)
    {
        var lines = Encoding.UTF8.GetString((byte[])packed!).Split('\n');
        var ids = lines[0][1..].Split('|');
        var row = lines[1].Split('|');
        return string.Create(CultureInfo.InvariantCulture, $"{row[0]}|{ids[int.Parse(row[1], CultureInfo.InvariantCulture)]}|{ids[int.Parse(row[2], CultureInfo.InvariantCulture)]}|i");
    }
}
