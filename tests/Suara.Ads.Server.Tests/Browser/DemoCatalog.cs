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
        (string)s_catalog.Value["campaigns"]!.AsArray()
            .Single(c => (string?)c!["id"] == campaignId)!["creatives"]!.AsArray()
            .Single(c => (string?)c!["id"] == creativeId)!["clickUrl"]!;
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
