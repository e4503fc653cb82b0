using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Playwright;
using Suara.Ads.Benchmarks.Catalogs;
using Suara.Ads.Benchmarks.Counting;

namespace Suara.Ads.Benchmarks.AdOps;

/// <summary>
/// <c>--console SERVER_URL ADMIN_KEY [--campaigns 10000] [--rounds 20] [--chromium /usr/bin/chromium]</c>: how fast the
/// console is with a big catalog (not BenchmarkDotNet: the server is a separate process, as in production). Replaces the
/// running server's catalog with a generated one of CAMPAIGNS campaigns (use a throwaway server and Redis), then times
/// (1) each admin API call a console page makes, ROUNDS times after a warm-up, and (2) in headless Chromium, the
/// console's own User Timing measures: signing in until the first page of campaigns and the audit are shown
/// (<c>console:sign-in</c>), the next page of campaigns (<c>console:campaigns</c>) and opening a campaign's form
/// (<c>console:editor</c>).
/// </summary>
internal static class ConsoleHarness
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public static async Task RunAsync(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: --console SERVER_URL ADMIN_KEY [--campaigns 10000] [--rounds 20] [--chromium /usr/bin/chromium]");
            return;
        }

        var (url, adminKey) = (args[0].TrimEnd('/'), args[1]);
        var count = CountingHarness.IntOption(args, "--campaigns", 10_000);
        var rounds = CountingHarness.IntOption(args, "--rounds", 20);
        var chromiumAt = Array.IndexOf(args, "--chromium");
        var chromium = chromiumAt > 0 && chromiumAt + 1 < args.Length ? args[chromiumAt + 1] : "/usr/bin/chromium";

        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);

        var document = CatalogGenerator.Generate(count);
        var started = Stopwatch.GetTimestamp();
        using (var import = await client.PutAsync("/v1/admin/catalog", new StringContent(JsonSerializer.Serialize(document, s_json), Encoding.UTF8, "application/json")).ConfigureAwait(false))
        {
            if (!import.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"the import was refused: {(int)import.StatusCode} {await import.Content.ReadAsStringAsync().ConfigureAwait(false)}");
                return;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"imported {count:N0} campaigns, {document.Advertisers.Count:N0} advertisers in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        var ids = document.Campaigns.Select(c => c.Id).Order(StringComparer.Ordinal).ToArray();
        var middle = ids[ids.Length / 2];
        var one = ids[Math.Min(9, ids.Length - 1)]; // on the first page, where the console offers its Edit button

        Console.WriteLine();
        Console.WriteLine("| admin API call (what a console page asks) | bytes | p50 ms | p95 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, path) in new[]
        {
            ("console page (index.html)", "/console/index.html"),
            ("whoami", "/v1/admin/whoami"),
            ("advertisers, 1000", "/v1/admin/advertisers?limit=1000"),
            ("placements, 1000", "/v1/admin/placements?limit=1000"),
            ("delivery, first page of 50", "/v1/admin/delivery?limit=50"),
            ("delivery, page of 50 in the middle", "/v1/admin/delivery?limit=50&after=" + middle),
            ("campaigns list, page of 50", "/v1/admin/campaigns?limit=50&after=" + middle),
            ("one campaign (its form)", "/v1/admin/campaigns/" + one),
            ("audit, 30 entries", "/v1/admin/audit?limit=30"),
        })
        {
            var bytes = 0L;
            var times = new List<double>();
            for (var i = 0; i < rounds + 3; i++)
            {
                var t = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                response.EnsureSuccessStatusCode();
                if (i >= 3)
                {
                    times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }

                bytes = body.Length;
            }

            Print(name, bytes, times);
        }

        await BrowserAsync(url, adminKey, chromium, rounds, one).ConfigureAwait(false);
    }

    private static async Task BrowserAsync(string url, string adminKey, string chromium, int rounds, string campaign)
    {
        using var playwright = await Playwright.CreateAsync().ConfigureAwait(false);
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        }).ConfigureAwait(false);

        var measures = new Dictionary<string, List<double>>(StringComparer.Ordinal) { ["console:sign-in"] = [], ["console:campaigns"] = [], ["console:editor"] = [] };
        for (var i = 0; i < rounds + 2; i++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } }).ConfigureAwait(false);
            var page = await context.NewPageAsync().ConfigureAwait(false);
            await page.GotoAsync(url + "/console/index.html").ConfigureAwait(false);
            await page.FillAsync("#key", adminKey).ConfigureAwait(false);
            await page.ClickAsync("#enter").ConfigureAwait(false);
            await page.WaitForFunctionAsync("() => performance.getEntriesByName('console:sign-in').length === 1").ConfigureAwait(false);
            var signIn = await page.EvaluateAsync<double>("() => performance.getEntriesByName('console:sign-in')[0].duration").ConfigureAwait(false);
            var rows = await page.Locator("#groups tr[data-campaign]").CountAsync().ConfigureAwait(false);
            if (rows != 50)
            {
                throw new InvalidOperationException($"the console shows {rows} campaigns, not a page of 50");
            }

            await page.ClickAsync("#more").ConfigureAwait(false);
            await page.WaitForFunctionAsync("() => performance.getEntriesByName('console:campaigns').length === 2").ConfigureAwait(false);
            var more = await page.EvaluateAsync<double>("() => performance.getEntriesByName('console:campaigns')[1].duration").ConfigureAwait(false);
            await page.ClickAsync($"button[aria-label='Edit {campaign}']").ConfigureAwait(false);
            await page.WaitForFunctionAsync("() => performance.getEntriesByName('console:editor').length === 1").ConfigureAwait(false);
            var editor = await page.EvaluateAsync<double>("() => performance.getEntriesByName('console:editor')[0].duration").ConfigureAwait(false);
            if (i >= 2)
            {
                measures["console:sign-in"].Add(signIn);
                measures["console:campaigns"].Add(more);
                measures["console:editor"].Add(editor);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| in Chromium (the console's User Timing) | | p50 ms | p95 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Print("sign in → first 50 campaigns with delivery and the audit shown (console:sign-in)", 0, measures["console:sign-in"]);
        Print("More campaigns → next 50 shown (console:campaigns)", 0, measures["console:campaigns"]);
        Print("Edit → a campaign's form filled (console:editor)", 0, measures["console:editor"]);
    }

    private static void Print(string name, long bytes, List<double> times)
    {
        times.Sort();
        var p95 = times[Math.Min(times.Count - 1, (int)Math.Ceiling(times.Count * 0.95) - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {(bytes > 0 ? bytes.ToString("N0", CultureInfo.InvariantCulture) : "")} | {times[times.Count / 2]:0.0} | {p95:0.0} | {times[^1]:0.0} |"));
    }
}
