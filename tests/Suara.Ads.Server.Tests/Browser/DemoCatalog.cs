using System.Globalization;
using System.Text.Json.Nodes;
using Suara.Ads.Testing;

namespace Suara.Ads.Server.Tests.Browser;

/// <summary>Looks things up in the demo catalog the server seeds itself with.</summary>
internal static class DemoCatalog
{
    private static readonly Lazy<JsonObject> s_catalog = new(() =>
    {
        using var stream = typeof(Program).Assembly.GetManifestResourceStream("Suara.Ads.Server.Catalog.Seed.demo-catalog.json")
            ?? throw new InvalidOperationException("The demo catalog is not embedded in the server assembly.");
        return JsonNode.Parse(stream)!.AsObject();
    });

    /// <summary>The landing page of a creative.</summary>
    public static string ClickUrl(string campaignId, string creativeId) =>
        (string)Campaign(campaignId)["creatives"]!.AsArray()
            .Single(c => (string?)c!["id"] == creativeId)!["clickUrl"]!;

    /// <summary>A campaign's rate as the catalog file writes it (amounts read as decimals, exactly); <c>null</c> without one.</summary>
    public static (string Model, decimal Amount, string Currency)? Rate(string campaignId) =>
        Campaign(campaignId)["rate"] is JsonObject rate
            ? ((string)rate["model"]!, decimal.Parse(rate["amount"]!.ToJsonString(), CultureInfo.InvariantCulture), (string)rate["currency"]!)
            : null;

    /// <summary>A campaign's flight.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Flight(string campaignId) =>
        (DateTimeOffset.Parse((string)Campaign(campaignId)["start"]!, CultureInfo.InvariantCulture),
         DateTimeOffset.Parse((string)Campaign(campaignId)["end"]!, CultureInfo.InvariantCulture));

    /// <summary>The ids of every campaign (all of them serve in the site's placements).</summary>
    public static IEnumerable<string> CampaignIds => s_catalog.Value["campaigns"]!.AsArray().Select(c => (string)c!["id"]!);

    /// <summary>The advertiser of a campaign.</summary>
    public static string AdvertiserOf(string campaignId) => (string)Campaign(campaignId)["advertiserId"]!;

    private static JsonObject Campaign(string campaignId) =>
        s_catalog.Value["campaigns"]!.AsArray().Single(c => (string?)c!["id"] == campaignId)!.AsObject();
}

/// <summary>Where tests leave files for people to look at: <c>test-artifacts/</c> at the repository root.</summary>
internal static class Artifacts
{
    public static string PathOf(string fileName)
    {
        var root = RepositoryFiles.PathOf("test-artifacts");
        Directory.CreateDirectory(root);
        return Path.Combine(root, fileName);
    }
}
