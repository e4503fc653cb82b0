using System.Net;
using System.Text.Json.Nodes;
using Suara.Ads.Server.Tests.Support;

namespace Suara.Ads.Server.Tests.Catalog;

/// <summary>The OpenAPI document describes the whole public surface, so clients can be generated.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task OpenApiDocument_Get_ListsEveryPublicPath()
    {
        using var redis = TestRedis.Connect();
        using var factory = new AdsServerFactory(TestCatalog.Document());

        using var response = await factory.CreateClient().GetAsync("/openapi/v1.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("3.", (string?)document["openapi"], StringComparison.Ordinal);
        var paths = document["paths"]!.AsObject();
        string[] expected =
        [
            "/v1/decisions", "/v1/events/{token}", "/healthz", "/readyz",
            "/v1/admin/sites", "/v1/admin/sites/{id}", "/v1/admin/placements", "/v1/admin/placements/{id}",
            "/v1/admin/advertisers", "/v1/admin/advertisers/{id}", "/v1/admin/advertisers/{id}/report-key",
            "/v1/admin/campaigns", "/v1/admin/campaigns/{id}", "/v1/admin/catalog", "/v1/admin/audit", "/v1/admin/targeting/validate",
        ];
        Assert.All(expected, p => Assert.True(paths.ContainsKey(p), $"{p} is missing from {string.Join(", ", paths.Select(x => x.Key))}"));

        var campaign = paths["/v1/admin/campaigns/{id}"]!.AsObject();
        Assert.True(campaign.ContainsKey("get") && campaign.ContainsKey("put") && campaign.ContainsKey("delete"));
        Assert.Contains("Campaign", campaign["put"]!["requestBody"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.True(campaign["delete"]!["responses"]!.AsObject().ContainsKey("204"));
        Assert.NotNull(paths["/v1/decisions"]!["post"]!["requestBody"]);
        var schemas = document["components"]!["schemas"]!.AsObject();
        Assert.All(new[] { "Campaign", "Creative", "CatalogDocument", "DecisionResponse", "AuditEntry" }, s => Assert.True(schemas.ContainsKey(s), s));
    }
}
