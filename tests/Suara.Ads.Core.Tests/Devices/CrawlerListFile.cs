using System.Text.Json;
using Suara.Ads.Testing;

namespace Suara.Ads.Core.Tests.Devices;

/// <summary>The vendored crawler list as the repository holds it (<c>src/Suara.Ads.Core/Devices/Crawlers/</c>).</summary>
internal static class CrawlerListFile
{
    private static readonly string[] s_path = ["src", "Suara.Ads.Core", "Devices", "Crawlers", "crawler-user-agents.json"];

    private static readonly Lazy<(string[] Patterns, string[] Instances)> s_list = new(Load);

    /// <summary>The file's path.</summary>
    public static string PathOf => RepositoryFiles.PathOf(s_path);

    /// <summary>Every entry's <c>pattern</c>, in order.</summary>
    public static IReadOnlyList<string> Patterns => s_list.Value.Patterns;

    /// <summary>Every entry's <c>instances</c> (example User-Agents), in order.</summary>
    public static IReadOnlyList<string> Instances => s_list.Value.Instances;

    private static (string[], string[]) Load()
    {
        using var json = JsonDocument.Parse(RepositoryFiles.Read(s_path));
        var entries = json.RootElement.EnumerateArray().ToArray();
        return (
            [.. entries.Select(e => e.GetProperty("pattern").GetString()!)],
            [.. entries.SelectMany(e => e.TryGetProperty("instances", out var i) ? i.EnumerateArray().Select(x => x.GetString()!) : [])]);
    }
}
