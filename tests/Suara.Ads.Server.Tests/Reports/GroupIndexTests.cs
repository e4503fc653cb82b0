using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Server.Events;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Reports;

/// <summary>
/// Reports over the counting groups' hashes (docs/redis.md, "Counting groups": what a report reads): a campaign's and a
/// site's fields are named by their group's month index and read by name, and give the same figures as the per-campaign
/// keys did for the same traffic.
/// </summary>
public sealed class GroupIndexTests
{
    private static readonly Dictionary<string, string?> NoPackingPass = new(AdsServerFactory.GenerousLimits) { ["Ads:Reports:PackingInterval"] = "00:00:00" };

    // 20:00 UTC on 30 November is 04:00 on 1 December in Kuala Lumpur: the UTC day's hours fall in two site-local months.
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 20, 0, 0, TimeSpan.Zero);

    private static readonly string[] Reports =
    [
        "/v1/reports/campaigns/priced?from=2026-11-29&to=2026-12-03&granularity=hour",
        "/v1/reports/campaigns/priced?from=2026-11-01&to=2026-12-31",
        "/v1/reports/campaigns/priced?from=2026-12-01&to=2026-12-01&granularity=hour",
        "/v1/reports/sites/suara?from=2026-11-29&to=2026-12-03&granularity=hour",
        "/v1/reports/sites/suara?from=2026-11-01&to=2026-12-31",
        "/v1/reports/advertisers/skyway?from=2026-11-01&to=2026-12-31",
    ];

    private static Campaign Priced() =>
        TestCatalog.Campaign("priced") with { Rate = new CampaignRate { Model = "cpm", Amount = 12.5m, Currency = "MYR" } };

    private static async Task<string> ReportAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey) } };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        return text;
    }

    /// <summary>
    /// Five hours of traffic from 20:00 UTC (a flush an hour, so that later hours add fields of cells already indexed), with
    /// clicks, a click without its impression (invalid) and no-fills; then the reports.
    /// </summary>
    private static async Task<string[]> ReportsOfTrafficAsync(bool groups)
    {
        var settings = new Dictionary<string, string?>(NoPackingPass) { ["Ads:CountingGroups"] = groups ? "true" : "false" };
        using var server = new AdsServerFactory(TestCatalog.Document(Priced()), now: Start, settings: settings);
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var flusher = server.Services.GetRequiredService<CountingFlusher>();
        for (var hour = 0; hour < 5; hour++)
        {
            for (var i = 0; i < 3 + hour; i++)
            {
                var slot = await Pages.ServeAsync(client, viewer: $"viewer-{hour}-{i}");
                Assert.NotNull(slot);
                if (i == 0)
                {
                    // A click before its impression: invalid (no impression), then counted after it.
                    Assert.Equal(HttpStatusCode.Redirect, await Pages.BeaconAsync(client, slot.ClickUrl));
                    await flusher.FlushAsync();
                }

                Assert.Equal(HttpStatusCode.NoContent, await Pages.BeaconAsync(client, slot.ImpressionUrl));
                if (i % 2 == 0)
                {
                    Assert.Equal(HttpStatusCode.Redirect, await Pages.BeaconAsync(client, slot.ClickUrl));
                }
            }

            await flusher.FlushAsync();
            server.Time.Advance(TimeSpan.FromHours(1));
        }

        await flusher.FlushAsync();
        var reports = new List<string>();
        foreach (var path in Reports)
        {
            reports.Add(await ReportAsync(client, path));
        }

        return [.. reports];
    }

    [Fact]
    public async Task Reports_OverGroupDays_ReadTheSameFiguresAsOverPerCampaignKeys()
    {
        // Arrange and act: the same traffic counted per campaign and in the counting groups.
        using var redis = TestRedis.Connect();
        var perCampaign = await ReportsOfTrafficAsync(groups: false);
        var grouped = await ReportsOfTrafficAsync(groups: true);

        // Assert: every report the same, and not empty.
        Assert.Contains("\"impressions\":25,", perCampaign[1], StringComparison.Ordinal);
        for (var i = 0; i < Reports.Length; i++)
        {
            Assert.Equal(perCampaign[i], grouped[i]);
        }
    }
}
