using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>What the console's browser tests share: an API client with a key, a new named key, signing in.</summary>
internal static class ConsoleSignIn
{
    public static HttpClient Api(BrowserFixture fixture, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A new named key of <paramref name="role"/>, created with the admin key; its secret.</summary>
    public static async Task<string> KeyAsync(BrowserFixture fixture, string name, string role)
    {
        using var admin = Api(fixture, AdsServerFactory.AdminKey);
        using var response = await admin.PostAsync("/v1/admin/keys", new StringContent(new JsonObject { ["name"] = name, ["role"] = role }.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["key"]!;
    }

    /// <summary>Opens <c>/console</c> (which lands on its page) and submits <paramref name="key"/>.</summary>
    public static async Task SubmitKeyAsync(IPage page, BrowserSession session, string key)
    {
        await page.GotoAsync(session.Absolute("/console"));
        Assert.Equal(session.Absolute("/console/index.html"), page.Url);
        await page.FillAsync("#key", key);
        await page.ClickAsync("#enter");
    }
}
