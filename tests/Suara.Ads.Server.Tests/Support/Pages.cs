using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Server.Delivery;
using Suara.Ads.Server.Events;

namespace Suara.Ads.Server.Tests.Support;

/// <summary>A reader's page, as ads.js would act: ask for one sidebar slot, then send its beacons.</summary>
public static class Pages
{
    /// <summary>One filled slot's campaign and event URLs.</summary>
    public sealed record Slot(string CampaignId, string ImpressionUrl, string ViewableUrl, string ClickUrl);

    /// <summary>Asks for the sidebar slot of site suara; <c>null</c> for a no-fill.</summary>
    public static async Task<Slot?> ServeAsync(HttpClient client, string? viewer = null, Action<HttpRequestMessage>? configure = null)
    {
        var body = new JsonObject
        {
            ["site"] = "suara",
            ["slots"] = new JsonArray(new JsonObject { ["id"] = "s", ["placement"] = "sidebar" }),
        };
        if (viewer is not null)
        {
            body["user"] = new JsonObject { ["id"] = viewer };
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = JsonContent.Create(body) };
        configure?.Invoke(request);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var slot = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!["s"];
        return slot is null
            ? null
            : new Slot((string)slot["campaignId"]!, (string)slot["impressionUrl"]!, (string)slot["viewableUrl"]!, (string)slot["clickUrl"]!);
    }

    /// <summary>Sends a beacon; returns the status.</summary>
    public static async Task<System.Net.HttpStatusCode> BeaconAsync(HttpClient client, string url, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        configure?.Invoke(request);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Writes what the instances hold to Redis, then has each read the delivery totals back (a flush and a refresh).</summary>
    public static async Task SyncAsync(params AdsServerFactory[] instances)
    {
        foreach (var instance in instances)
        {
            await instance.Services.GetRequiredService<CountingFlusher>().FlushAsync();
        }

        foreach (var instance in instances)
        {
            Assert.True(await instance.Services.GetRequiredService<RedisDeliveryLedger>().RefreshAsync());
        }
    }
}
