using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>
/// Named keys with roles (<c>/v1/admin/keys</c>) through the real pipeline and a real Redis: created by the admin,
/// shown once, stored only as a hash, each role allowed exactly what the contract says, revoked on every instance
/// within a second, and a client that guesses keys held off with 429.
/// </summary>
public sealed class NamedKeyTests
{
    private static async Task<(string Id, string Key)> CreateAsync(HttpClient admin, string name, string role)
    {
        using var response = await admin.PostAsync("/v1/admin/keys", new StringContent($$"""{"name":"{{name}}","role":"{{role}}"}""", System.Text.Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToJsonString());
        Assert.Equal(name, (string)body["name"]!);
        Assert.Equal(role, (string)body["role"]!);
        return ((string)body["id"]!, (string)body["key"]!);
    }

    private static HttpRequestMessage With(HttpMethod method, string path, string key, string? json = null) => new(method, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) },
        Content = json is null ? null : new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
    };

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, HttpMethod method, string path, string key, string? json = null)
    {
        using var response = await client.SendAsync(With(method, path, key, json));
        return response.StatusCode;
    }

    [Fact]
    public async Task Keys_AreShownOnce_StoredAsHashes_AndListedWithoutSecrets()
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var admin = factory.CreateAdminClient();
        var (id, key) = await CreateAsync(admin, "Aisha (ad-ops)", "trafficker");

        Assert.StartsWith($"sa_{id}_", key, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{12}$", id);
        var list = JsonNode.Parse(await admin.GetStringAsync("/v1/admin/keys"))!["keys"]!.AsArray();
        var listed = Assert.Single(list)!;
        Assert.Equal(id, (string)listed["id"]!);
        Assert.Null(listed["key"]);
        Assert.Null(listed["keyHash"]);

        // Redis holds the key's hash, not the key.
        var stored = (string)(await redis.GetDatabase().HashGetAsync(factory.KeyPrefix + "{catalog}:keys", id))!;
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(key[(4 + id.Length)..], stored, StringComparison.Ordinal);

        // The audit says who created it, by key fingerprint, never the key.
        var audit = await admin.GetStringAsync("/v1/admin/audit?limit=5");
        Assert.Contains("create-key", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(key, audit, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"x","role":"owner"}""", "role")]
    [InlineData("""{"name":"","role":"reporter"}""", "name")]
    [InlineData("""{"role":"reporter"}""", "name")]
    public async Task CreateKey_Invalid_Is400NamingTheField(string body, string field)
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var admin = factory.CreateAdminClient();
        using var response = await admin.PostAsync("/v1/admin/keys", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    [Fact]
    public async Task EachRole_MayDoWhatTheContractSays_AndNothingMore()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var admin = factory.CreateAdminClient();
        var client = factory.CreateClient();
        var keys = new Dictionary<string, string>();
        foreach (var role in new[] { "admin", "trafficker", "reporter", "server" })
        {
            keys[role] = (await CreateAsync(admin, role + " key", role)).Key;
        }

        var campaign = Catalog.AdminHttp.Campaign().ToJsonString();
        const string explain = """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}]}""";
        const string overriding = """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}],"country":"SG"}""";
        var expected = new (HttpMethod Method, string Path, string? Body, Dictionary<string, HttpStatusCode> Status)[]
        {
            (HttpMethod.Get, "/v1/admin/campaigns", null, new() { ["admin"] = HttpStatusCode.OK, ["trafficker"] = HttpStatusCode.OK, ["reporter"] = HttpStatusCode.OK, ["server"] = HttpStatusCode.Forbidden }),
            (HttpMethod.Put, "/v1/admin/campaigns/by-key", campaign, new() { ["admin"] = HttpStatusCode.Created, ["trafficker"] = HttpStatusCode.OK, ["reporter"] = HttpStatusCode.Forbidden, ["server"] = HttpStatusCode.Forbidden }),
            (HttpMethod.Get, "/v1/admin/keys", null, new() { ["admin"] = HttpStatusCode.OK, ["trafficker"] = HttpStatusCode.Forbidden, ["reporter"] = HttpStatusCode.Forbidden, ["server"] = HttpStatusCode.Forbidden }),
            (HttpMethod.Get, "/v1/reports/sites/suara", null, new() { ["admin"] = HttpStatusCode.OK, ["trafficker"] = HttpStatusCode.OK, ["reporter"] = HttpStatusCode.OK, ["server"] = HttpStatusCode.Forbidden }),
            (HttpMethod.Get, "/v1/reports/campaigns/london", null, new() { ["admin"] = HttpStatusCode.OK, ["trafficker"] = HttpStatusCode.OK, ["reporter"] = HttpStatusCode.OK, ["server"] = HttpStatusCode.Forbidden }),
            (HttpMethod.Post, "/v1/decisions?explain=true", explain, new() { ["admin"] = HttpStatusCode.OK, ["trafficker"] = HttpStatusCode.OK, ["reporter"] = HttpStatusCode.Forbidden, ["server"] = HttpStatusCode.Forbidden }),
            (HttpMethod.Post, "/v1/decisions", overriding, new() { ["admin"] = HttpStatusCode.OK, ["trafficker"] = HttpStatusCode.OK, ["reporter"] = HttpStatusCode.OK, ["server"] = HttpStatusCode.OK }),
        };

        foreach (var (method, path, body, status) in expected)
        {
            foreach (var role in new[] { "admin", "trafficker", "reporter", "server" })
            {
                Assert.True(status[role] == await StatusAsync(client, method, path, keys[role], body), $"{role}: {method} {path}");
            }
        }

        // A forbidden answer names the key, so its holder knows which one to change.
        using var forbidden = await client.SendAsync(With(HttpMethod.Get, "/v1/admin/keys", keys["reporter"]));
        Assert.Contains("reporter key", await forbidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryAdminAndReportEndpoint_RefusesTheRolesThatMayNotUseIt()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var admin = factory.CreateAdminClient();
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var keys = new Dictionary<string, string>();
        foreach (var role in new[] { "trafficker", "reporter", "server" })
        {
            keys[role] = (await CreateAsync(admin, role + " key", role)).Key;
        }

        // Every endpoint under /v1/admin and /v1/reports, read from the running server: none can be forgotten.
        var endpoints = factory.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/v1/admin", StringComparison.Ordinal) || raw.StartsWith("/v1/reports", StringComparison.Ordinal)))
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Path: e.RoutePattern.RawText!)))
            .Distinct()
            .ToArray();
        Assert.True(endpoints.Length >= 20, $"only {endpoints.Length} endpoints found");

        foreach (var (method, pattern) in endpoints)
        {
            var path = pattern.Replace("{creativeId}", "side", StringComparison.Ordinal).Replace("{id}", pattern.Contains("/sites/", StringComparison.Ordinal) ? "suara" : pattern.Contains("/advertisers/", StringComparison.Ordinal) ? "skyway" : "london", StringComparison.Ordinal);
            var http = new HttpMethod(method);
            var keysOnly = pattern.StartsWith("/v1/admin/keys", StringComparison.Ordinal);
            var reading = method == "GET" || pattern == "/v1/admin/targeting/validate"; // checking a rule changes nothing
            var isReport = pattern.StartsWith("/v1/reports", StringComparison.Ordinal);

            using (var anonymous = await client.SendAsync(new HttpRequestMessage(http, path)))
            {
                Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"no key: {method} {pattern} answered {(int)anonymous.StatusCode}");
            }

            if (pattern == "/v1/admin/whoami")
            {
                // Any key may ask whose it is (the console asks before it offers anything).
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, http, path, keys["server"]));
                continue;
            }

            Assert.True(await StatusAsync(client, http, path, keys["server"]) == HttpStatusCode.Forbidden, $"server key: {method} {pattern}");
            var reporter = await StatusAsync(client, http, path, keys["reporter"]);
            var reporterMay = !keysOnly && (reading || isReport);
            Assert.True(reporterMay ? reporter is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized) : reporter == HttpStatusCode.Forbidden, $"reporter key: {method} {pattern} answered {(int)reporter}");
            var trafficker = await StatusAsync(client, http, path, keys["trafficker"]);
            Assert.True(keysOnly ? trafficker == HttpStatusCode.Forbidden : trafficker is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized), $"trafficker key: {method} {pattern} answered {(int)trafficker}");
        }
    }

    [Fact]
    public async Task RevokedKey_StopsWorking_OnEveryInstanceWithinASecond()
    {
        TestRedis.Connect().Dispose();
        var catalog = TestCatalog.Document(TestCatalog.Campaign("london"));
        using var a = new AdsServerFactory(catalog);
        using var b = new AdsServerFactory(catalog, keyPrefix: a.KeyPrefix);
        var clientB = b.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(clientB, HttpMethod.Get, "/v1/admin/campaigns", AdsServerFactory.AdminKey)); // B is up

        async Task<TimeSpan> UntilAsync(string key, HttpStatusCode wanted)
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            while (await StatusAsync(clientB, HttpMethod.Get, "/v1/admin/campaigns", key) != wanted)
            {
                Assert.True(started.Elapsed < TimeSpan.FromSeconds(1), $"B did not answer {wanted} within a second");
                await Task.Delay(20);
            }

            return started.Elapsed;
        }

        var (id, key) = await CreateAsync(a.CreateAdminClient(), "reporting robot", "reporter");
        await UntilAsync(key, HttpStatusCode.OK);

        using var revoke = await a.CreateAdminClient().DeleteAsync($"/v1/admin/keys/{id}");
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await UntilAsync(key, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(a.CreateClient(), HttpMethod.Get, "/v1/admin/campaigns", key));

        using var again = await a.CreateAdminClient().DeleteAsync($"/v1/admin/keys/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task AClientGuessingKeys_IsHeldOffWith429_ThenLetBackAfterAQuietMinute()
    {
        TestRedis.Connect().Dispose();
        using var factory = new AdsServerFactory(TestCatalog.Document(TestCatalog.Campaign("london")));
        var client = factory.CreateClient();
        var (_, key) = await CreateAsync(factory.CreateAdminClient(), "robot", "reporter");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, HttpMethod.Get, "/v1/admin/campaigns", $"sa_{i:x12}_guess"));
        }

        // Now even the right key is not looked at, on any endpoint that reads one.
        using var heldOff = await client.SendAsync(With(HttpMethod.Get, "/v1/admin/campaigns", key));
        Assert.Equal(HttpStatusCode.TooManyRequests, heldOff.StatusCode);
        Assert.Equal("60", heldOff.Headers.RetryAfter?.ToString());
        Assert.Contains("too-many-requests", await heldOff.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(client, HttpMethod.Post, "/v1/decisions", key, """{"site":"suara","slots":[{"id":"s","placement":"sidebar"}]}"""));

        // Pages without a key are not held off.
        Assert.NotNull(await Pages.ServeAsync(client));

        // A minute later the window still holds the failures; after a quiet minute the client is let back.
        factory.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, HttpMethod.Get, "/v1/admin/campaigns", key));
    }
}
