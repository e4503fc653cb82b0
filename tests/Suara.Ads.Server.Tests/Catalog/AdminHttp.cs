using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>One admin response: status, parsed body (when JSON) and ETag.</summary>
internal sealed record AdminReply(HttpStatusCode Status, JsonNode? Body, string? ETag, HttpResponseMessage Response)
{
    /// <summary>Asserts the status, showing the body when it differs.</summary>
    public AdminReply Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status}, got {(int)Status}: {Body?.ToJsonString()}");
        return this;
    }

    /// <summary>The messages of the problem's <c>errors</c> entry for <paramref name="field"/> (fails when absent).</summary>
    public string[] Errors(string field)
    {
        var errors = Body?["errors"]?.AsObject();
        Assert.True(errors is not null && errors.ContainsKey(field), $"expected an error for '{field}', got {Body?.ToJsonString()}");
        return errors![field]!.AsArray().Select(m => (string)m!).ToArray();
    }
}

/// <summary>Calls the admin API of a test server.</summary>
internal static class AdminHttp
{
    public static HttpClient CreateAdminClient(this AdsServerFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdsServerFactory.AdminKey);
        return client;
    }

    public static Task<AdminReply> PutAsync(this HttpClient client, string path, JsonNode body, string? ifMatch = null) =>
        client.SendAsync(HttpMethod.Put, path, body.ToJsonString(), ifMatch);

    public static async Task<AdminReply> SendAsync(this HttpClient client, HttpMethod method, string path, string? body = null, string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var media = response.Content.Headers.ContentType?.MediaType;
        var json = text.Length > 0 && media is "application/json" or "application/problem+json" ? JsonNode.Parse(text) : null;
        if (response.StatusCode >= HttpStatusCode.BadRequest && path.StartsWith("/v1/", StringComparison.Ordinal))
        {
            Assert.Equal("application/problem+json", media);
        }

        return new AdminReply(response.StatusCode, json, response.Headers.ETag?.ToString(), response);
    }

    public static Task<AdminReply> GetReplyAsync(this HttpClient client, string path) => client.SendAsync(HttpMethod.Get, path);

    public static Task<AdminReply> DeleteReplyAsync(this HttpClient client, string path, string? ifMatch = null) =>
        client.SendAsync(HttpMethod.Delete, path, ifMatch: ifMatch);

    /// <summary>A valid campaign body for <see cref="TestCatalog.Document"/> (advertiser skyway, placement sidebar).</summary>
    public static JsonObject Campaign(string? targeting = null, string status = "active")
    {
        var campaign = new JsonObject
        {
            ["advertiserId"] = "skyway",
            ["name"] = "Fly London",
            ["status"] = status,
            ["start"] = "2026-11-01T00:00:00Z",
            ["end"] = "2026-12-31T23:59:59Z",
            ["priority"] = "standard",
            ["weight"] = 100,
            ["placements"] = new JsonArray("sidebar"),
            ["creatives"] = new JsonArray(new JsonObject
            {
                ["id"] = "london-300",
                ["format"] = "image",
                ["size"] = "300x250",
                ["imageUrl"] = "https://cdn.skyway.example/london.png",
                ["alt"] = "Fly to London",
                ["clickUrl"] = "https://skyway.example/london",
            }),
        };
        if (targeting is not null)
        {
            campaign["targeting"] = targeting;
        }

        return campaign;
    }

    /// <summary>The campaign that fills the sidebar for a viewer in <paramref name="country"/>, or <c>null</c>.</summary>
    public static async Task<string?> DecideAsync(HttpClient client, string country = "SG")
    {
        var body = new JsonObject
        {
            ["site"] = "suara",
            ["slots"] = new JsonArray(new JsonObject { ["id"] = "s", ["placement"] = "sidebar" }),
        };

        // A page's country comes from the CDN's trusted header (a body override needs a server key).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("CF-IPCountry", country);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["slots"]!["s"]?["campaignId"];
    }
}
