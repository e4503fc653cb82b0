using System.Text.Json;

namespace Suara.Ads.LoadTest;

/// <summary>
/// A fixed, seeded pool of 4-slot demo page requests (site <c>suara</c>, section <c>news</c>): varied country,
/// device, keywords and viewer ids from small pools, so frequency caps and targeting see realistic variety.
/// Built once; workers take bodies round-robin, so no JSON is written while measuring.
/// </summary>
internal static class RequestPool
{
    public const int SlotsPerPage = 4;

    private static readonly string[] s_countries = ["MY", "MY", "MY", "SG", "SG", "ID", "BN", "GB", "US", "AU"];
    private static readonly string[] s_devices = ["mobile", "mobile", "desktop", "desktop", "tablet"];
    private static readonly string[][] s_keywords =
    [
        [], ["election"], ["telegram", "russia"], ["gadget"], ["football", "badminton"], ["economy", "ringgit"],
        ["travel", "borneo"], ["flood", "weather", "kelantan"],
    ];

    private static readonly string[] s_articles =
    [
        "pm-announces-budget", "flood-warning-east-coast", "ringgit-steadies", "new-lrt-line", "telegram-fine",
        "badminton-final", "borneo-eco-lodges", "gadget-week-deals",
    ];

    /// <summary>Builds <paramref name="count"/> UTF-8 JSON bodies from a fixed seed.</summary>
    public static byte[][] Build(int count, int seed = 20261129)
    {
        var random = new Random(seed);
        var bodies = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var article = s_articles[random.Next(s_articles.Length)];
            var request = new Dictionary<string, object?>
            {
                ["site"] = "suara",
                ["page"] = new Dictionary<string, object?>
                {
                    ["url"] = $"https://suara.example/news/{article}",
                    ["section"] = "news",
                    ["keywords"] = s_keywords[random.Next(s_keywords.Length)],
                    ["language"] = "en",
                },
                ["slots"] = new[]
                {
                    new { id = "top", placement = "article-top" },
                    new { id = "inline", placement = "article-inline" },
                    new { id = "side", placement = "sidebar" },
                    new { id = "foot", placement = "footer" },
                },
                ["country"] = s_countries[random.Next(s_countries.Length)],
                ["device"] = s_devices[random.Next(s_devices.Length)],
            };

            // ~80% of pages carry one of 200 viewer ids; the rest are anonymous.
            if (random.Next(10) < 8)
            {
                request["user"] = new { id = $"load-viewer-{random.Next(200):D3}" };
            }

            bodies[i] = JsonSerializer.SerializeToUtf8Bytes(request);
        }

        return bodies;
    }
}
