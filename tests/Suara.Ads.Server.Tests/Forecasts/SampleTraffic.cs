using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Server.Forecasts;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Forecasts;

/// <summary>
/// Drives a week of decisions through a test server's real pipeline, on its fake clock, so that the traffic sample is
/// recorded as in production; then writes it to Redis.
/// </summary>
internal static class SampleTraffic
{
    /// <summary>The site's zone in <see cref="TestCatalog"/> (Asia/Kuala_Lumpur): UTC+8, no daylight saving.</summary>
    public static readonly TimeSpan SiteOffset = TimeSpan.FromHours(8);

    /// <summary>The Monday the recorded week starts (site-local).</summary>
    public static readonly DateOnly FirstDay = new(2026, 11, 16);

    /// <summary>The day after the recorded week: the forecast's "today".</summary>
    public static DateOnly Today => FirstDay.AddDays(7);

    /// <summary>Settings of a server that records every request.</summary>
    public static Dictionary<string, string?> RecordAll(int maxPerHour = 5_000) => new()
    {
        ["Ads:TrafficSampleRate"] = "1",
        ["Ads:TrafficSampleMaxPerHour"] = maxPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// <paramref name="perDay"/> decisions for the sidebar on each of 7 days, spread over the day: request i comes from
    /// viewer <c>reader-(i mod viewers)</c>, in MY when i is even and SG when odd. Then the clock is set to the next
    /// morning and the sample written.
    /// </summary>
    public static async Task RecordWeekAsync(AdsServerFactory server, int perDay = 100, int viewers = 10, params string[] placements)
    {
        var client = server.CreateClient();
        for (var day = 0; day < 7; day++)
        {
            var midnight = new DateTimeOffset(FirstDay.AddDays(day).ToDateTime(TimeOnly.MinValue), SiteOffset);
            for (var i = 0; i < perDay; i++)
            {
                server.Time.SetUtcNow(midnight.AddSeconds(i * (86_400 / perDay)).ToUniversalTime());
                await DecideAsync(client, i % 2 == 0 ? "MY" : "SG", $"reader-{i % viewers}", placements: placements);
            }
        }

        server.Time.SetUtcNow(new DateTimeOffset(Today.ToDateTime(new TimeOnly(9, 0)), SiteOffset).ToUniversalTime());
        await server.Services.GetRequiredService<TrafficSampleWriter>().FlushAsync();
    }

    public static async Task DecideAsync(HttpClient client, string country, string viewer, string url = "https://suara.example/news/story", params string[] placements)
    {
        var slots = new JsonArray();
        foreach (var placement in placements.Length == 0 ? ["sidebar"] : placements)
        {
            slots.Add(new JsonObject { ["id"] = placement, ["placement"] = placement });
        }

        var body = new JsonObject
        {
            ["site"] = "suara",
            ["page"] = new JsonObject { ["url"] = url, ["section"] = "news" },
            ["slots"] = slots,
            ["user"] = new JsonObject { ["id"] = viewer },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("CF-IPCountry", country);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>A forecast request for <paramref name="campaign"/> over the week after the recorded one.</summary>
    public static JsonObject Forecast(JsonObject campaign, DateOnly? from = null, DateOnly? to = null) => new()
    {
        ["campaign"] = campaign,
        ["from"] = (from ?? Today).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        ["to"] = (to ?? Today.AddDays(6)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    };
}
