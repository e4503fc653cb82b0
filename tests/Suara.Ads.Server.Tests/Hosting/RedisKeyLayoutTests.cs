using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Tests.Catalog;
using Suara.Ads.Server.Tests.Support;
using Suara.Ads.Testing;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>
/// docs/redis.md lists every key the server writes. Every flow runs here against a real Redis (a generated admin and
/// signing key, the seeded catalog, admin changes, a decision for a capped viewer, a beacon, a flush); then every key
/// under the prefix must match a row of the doc's table, and every row must have been written.
/// </summary>
public sealed partial class RedisKeyLayoutTests
{
    [GeneratedRegex(@"^\| `suara:([^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex KeyRow();

    [GeneratedRegex("[A-Z][A-Z0-9]+")]
    private static partial Regex Placeholder();

    private static string Doc() => RepositoryFiles.Read("docs", "redis.md");

    [Fact]
    public async Task EveryFlow_KeysItWrites_AreExactlyTheOnesDocsRedisMdLists()
    {
        // Arrange: the documented patterns, upper-case words standing for values.
        var doc = Doc();
        var rows = KeyRow().Matches(doc).Select(m => m.Groups[1].Value).Where(k => !k.StartsWith("catalog-changed", StringComparison.Ordinal)).ToArray();
        Assert.True(rows.Length >= 10, $"docs/redis.md lists only {rows.Length} keys");
        var patterns = rows.ToDictionary(r => r, r => new Regex("^" + Placeholder().Replace(Regex.Escape(r).Replace(@"\{", "{", StringComparison.Ordinal), "[^:{}]+") + "$"));

        using var redis = TestRedis.Connect();
        var campaign = TestCatalog.Campaign("london") with
        {
            Goal = new CampaignGoal { Impressions = 1_000, Per = "flight" },
            FrequencyCap = new FrequencyCap { Impressions = 3, Per = "day" },
        };
        // Every request sampled, so that the traffic sample's keys are written too; the test runs the packing pass itself
        // (the hourly one would race it once the clock moves on). This instance counts per campaign (the counting groups
        // off, as in the first step of an upgrade), the one below in groups.
        using var seeded = new AdsServerFactory(TestCatalog.Document(campaign), settings: new Dictionary<string, string?> { ["Ads:TrafficSampleRate"] = "1", ["Ads:Reports:PackingInterval"] = "00:00:00", ["Ads:CountingGroups"] = "false" });
        using var server = seeded.WithWebHostBuilder(b => b.ConfigureAppConfiguration((_, config) =>
            config.AddInMemoryCollection(new Dictionary<string, string?> { ["Ads:AdminKey"] = null, ["Ads:SigningKey"] = null })));
        var db = redis.GetDatabase();

        // Act: every flow once (the first client starts the server, which generates the keys).
        var admin = server.CreateClient();
        var adminKey = (string?)await db.StringGetAsync(seeded.KeyPrefix + "admin-key");
        Assert.NotNull(adminKey);
        admin.DefaultRequestHeaders.Authorization = new("Bearer", adminKey);
        (await admin.PutAsync("/v1/admin/advertisers/kopi", new JsonObject { ["name"] = "Kopi Kita" })).Expect(HttpStatusCode.Created);
        using var named = await admin.PostAsync("/v1/admin/keys", new StringContent("""{"name":"robot","role":"reporter"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, named.StatusCode);
        using var image = new ByteArrayContent("GIF89a\u0001\u0000\u0001\u0000"u8.ToArray());
        image.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/gif");
        using var asset = await admin.PostAsync("/v1/admin/assets", image);
        Assert.Equal(HttpStatusCode.Created, asset.StatusCode);

        async Task ServeAndCountAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> on)
        {
            var client = on.CreateClient();
            using var decision = await client.PostAsync("/v1/decisions", new StringContent(
                """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}],"user":{"id":"reader-1"}}""", System.Text.Encoding.UTF8, "application/json"));
            var slot = JsonNode.Parse(await decision.Content.ReadAsStringAsync())!["slots"]!["s"]!;
            using var beacon = await client.GetAsync((string)slot["impressionUrl"]!);
            Assert.Equal(HttpStatusCode.NoContent, beacon.StatusCode);

            // And a token of version 2, issued before an upgrade (accepted for its 24 hours): its ad is counted in a set.
            using var old = await client.GetAsync(OldTokens.Version2Like(on.Services, (string)slot["impressionUrl"]!).Impression);
            Assert.Equal(HttpStatusCode.NoContent, old.StatusCode);
            await on.Services.GetRequiredService<CountingFlusher>().FlushAsync();
            await on.Services.GetRequiredService<Suara.Ads.Server.Forecasts.TrafficSampleWriter>().FlushAsync();
        }

        // A day counted, closed and packed; then today's counts.
        // Both on an instance counting per campaign and on one counting in groups (docs/redis.md, "Counting groups").
        using var grouped = server.WithWebHostBuilder(b => b.UseSetting("Ads:CountingGroups", "true"));
        await ServeAndCountAsync(server);
        await ServeAndCountAsync(grouped);
        seeded.Time.Advance(TimeSpan.FromDays(2));
        Assert.True(await server.Services.GetRequiredService<CounterCompactor>().RunPassAsync(CancellationToken.None) > 0);
        await ServeAndCountAsync(server);
        await ServeAndCountAsync(grouped);

        // Assert: every key written is documented, and every documented key was written.
        var server0 = redis.GetServer(redis.GetEndPoints()[0]);
        var keys = new List<string>();
        await foreach (var key in server0.KeysAsync(pattern: seeded.KeyPrefix + "*"))
        {
            keys.Add(((string)key!)[seeded.KeyPrefix.Length..]);
        }

        var undocumented = keys.Where(k => !patterns.Values.Any(p => p.IsMatch(k))).ToArray();
        Assert.True(undocumented.Length == 0, $"keys not in docs/redis.md: {string.Join(", ", undocumented)}");
        var unseen = patterns.Where(p => !keys.Any(p.Value.IsMatch)).Select(p => p.Key).ToArray();
        Assert.True(unseen.Length == 0, $"docs/redis.md lists keys no flow wrote: {string.Join(", ", unseen)}");

        // The change channel is documented under the name the store publishes on.
        var channel = server.Services.GetRequiredService<RedisCatalogStore>().Channel.ToString();
        Assert.Equal(seeded.KeyPrefix + "catalog-changed", channel);
        Assert.Contains("| `suara:catalog-changed` |", doc, StringComparison.Ordinal);
    }
}
