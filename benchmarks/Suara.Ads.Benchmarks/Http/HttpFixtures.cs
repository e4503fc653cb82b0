using System.Globalization;
using System.Text;
using System.Text.Json;
using Suara.Ads.Benchmarks.Catalogs;
using Suara.Ads.Benchmarks.Counting;
using Suara.Ads.Core.Catalog;
using Suara.Ads.Core.Devices;
using Suara.Ads.Server.Catalog;
using Suara.Ads.Server.Decisions;

namespace Suara.Ads.Benchmarks.Http;

/// <summary>
/// What <c>benchmarks/http.sh</c> feeds the server and <c>wrk</c>:
/// <list type="bullet">
/// <item><c>--write-catalog N PATH</c>: <see cref="CatalogGenerator.Generate"/> as a seed file (<c>Ads__Seed=PATH</c>),
/// written with the server's own catalog JSON context. Flights are moved by whole days from the generator's fixed
/// decision time to today, so the share of campaigns in flight is the one the generator means whenever it runs.</item>
/// <item><c>--write-requests COUNT PATH</c>: COUNT anonymous decision requests for the generated site's 4-slot article
/// page (<see cref="CatalogGenerator.PageSlots"/>), one a line as <c>COUNTRY TAB USER-AGENT TAB BODY</c>: the country
/// goes into the CDN header (<c>CF-IPCountry</c>) and the device comes from a real browser's User-Agent, as for a reader's
/// browser (the body's own <c>country</c> and <c>device</c> count only for a server key). The pages vary as
/// <see cref="CatalogGenerator.Context"/> varies them (section, keywords, key-values, language, referrer).</item>
/// </list>
/// </summary>
internal static class HttpFixtures
{
    // Browser User-Agents by the (device, os, browser) the generator draws; {0} is a version that varies per request,
    // so the server sees many distinct strings, as it does from real readers.
    private static readonly Dictionary<(string Device, string Os, string Browser), string[]> s_agents = new()
    {
        [("mobile", "android", "chrome")] =
        [
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.6778.135 Mobile Safari/537.36",
        ],
        [("mobile", "ios", "safari")] =
        [
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{1} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{1} Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_{1} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.{1} Mobile/15E148 Safari/604.1",
        ],
        [("desktop", "windows", "chrome")] =
        [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Safari/537.36",
        ],
        [("desktop", "windows", "edge")] =
        [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{0}.0.0.0 Safari/537.36 Edg/{0}.0.0.0",
        ],
        [("desktop", "macos", "safari")] =
        [
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{1} Safari/605.1.15",
        ],
        [("tablet", "ios", "safari")] =
        [
            "Mozilla/5.0 (iPad; CPU OS 17_{1} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.{1} Mobile/15E148 Safari/604.1",
        ],
    };

    public static void WriteCatalog(string[] args)
    {
        if (args.Length < 2)
        {
            throw new ArgumentException("usage: --write-catalog CAMPAIGNS PATH");
        }

        var count = int.Parse(args[0], CultureInfo.InvariantCulture);
        var document = CatalogGenerator.Generate(count);
        var shift = TimeSpan.FromDays(Math.Round((DateTimeOffset.UtcNow - CatalogGenerator.Now).TotalDays));
        document = document with
        {
            Campaigns = [.. document.Campaigns.Select(c => c with { Start = c.Start + shift, End = c.End + shift })],
        };
        using (var file = File.Create(args[1]))
        {
            JsonSerializer.Serialize(file, document, CatalogJsonContext.Default.CatalogDocument);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {count:N0} campaigns (site '{CatalogGenerator.SiteId}', flights moved {shift.TotalDays:0} days) to {args[1]}"));
    }

    public static void WriteRequests(string[] args)
    {
        if (args.Length < 2)
        {
            throw new ArgumentException("usage: --write-requests COUNT PATH");
        }

        var count = int.Parse(args[0], CultureInfo.InvariantCulture);
        var random = new Random(CountingHarness.IntOption(args, "--seed", 20261206));
        var slots = CatalogGenerator.PageSlots.Select(s => new SlotBody { Id = s.Id, Placement = s.Placement }).ToArray();
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var context = CatalogGenerator.Context(random, i);
            var agent = Agent(random, context.Device, context.Os, context.Browser);
            var body = new DecisionRequestBody
            {
                Site = CatalogGenerator.SiteId,
                Page = new PageBody
                {
                    Url = context.Url,
                    Section = context.Section.Length > 0 ? context.Section : null,
                    Keywords = context.Keywords.Count > 0 ? [.. context.Keywords] : null,
                    Language = context.Language,
                    Referrer = context.Referrer.Length > 0 ? "https://" + context.Referrer + "/" : null,
                },
                Slots = slots,
                Kv = context.Kv.Count > 0 ? context.Kv.ToDictionary(p => p.Key, p => (string?)p.Value) : null,
            };
            text.Append(context.Country).Append('\t').Append(agent).Append('\t')
                .Append(JsonSerializer.Serialize(body, DecisionsJsonContext.Default.DecisionRequestBody)).Append('\n');
        }

        File.WriteAllText(args[1], text.ToString());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {count:N0} anonymous 4-slot decision requests to {args[1]}"));
    }

    /// <summary>A real browser's User-Agent for the device, os and browser, checked to classify as that device and not a bot.</summary>
    private static string Agent(Random random, string device, string os, string browser)
    {
        var templates = s_agents[(device, os, browser)];
        var agent = string.Format(CultureInfo.InvariantCulture, templates[random.Next(templates.Length)], random.Next(120, 132), random.Next(0, 7));
        var info = UserAgentClassifier.Classify(agent);
        if (info.IsBot || info.Device != device)
        {
            throw new InvalidOperationException($"'{agent}' classifies as {info}, not as a {device} browser.");
        }

        return agent;
    }
}
