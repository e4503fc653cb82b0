using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Suara.Ads.Server.Tests.Catalog;
using Suara.Ads.Server.Tests.Support;
using Suara.Ads.Testing;
using Xunit.Abstractions;

namespace Suara.Ads.Server.Tests.Hosting;

/// <summary>
/// The dashboard (deploy/grafana-dashboard.json) and the alerts (deploy/prometheus-alerts.yml) hold against a real
/// Prometheus (Debian's, installed by ./test.sh) scraping the server, run as a process, under traffic: every query
/// runs, names only metrics the server exports, and each of its selectors matches a series; every dashboard query
/// shows data; every rule loads and evaluates without error; promtool checks the rules and passes their unit tests.
/// </summary>
public sealed partial class PrometheusTests(ITestOutputHelper output)
{
    /// <summary>What Grafana's own variables stand for in the queries (a scrape every second here).</summary>
    private static readonly Dictionary<string, string> s_grafanaVariables = new(StringComparer.Ordinal)
    {
        ["__rate_interval"] = "30s",
        ["__interval"] = "15s",
        ["__range"] = "1m",
    };

    /// <summary>PromQL words that are neither functions (always followed by a parenthesis) nor metrics.</summary>
    private static readonly HashSet<string> s_keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "unless", "atan2", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan",
    };

    /// <summary>A PromQL string: double or single quoted with escapes, or raw in backticks.</summary>
    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringLiteral();

    /// <summary>Label matchers <c>{…}</c> (once strings are out) and ranges or subqueries <c>[…]</c>.</summary>
    [GeneratedRegex(@"\{[^{}]*\}|\[[^\[\]]*\]")]
    private static partial Regex MatchersOrRange();

    /// <summary>The label lists of aggregations and vector matching.</summary>
    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex LabelList();

    // A whole word (no shorter piece of a function's name) that no parenthesis follows, and that is not the unit of a
    // number or duration (1e-3, 5m: a letter right after a digit).
    [GeneratedRegex(@"(?<![\w:.$])(?>[A-Za-z_:][\w:]*)(?!\s*\()")]
    private static partial Regex Word();

    /// <summary>A name and its label matchers, if any (the strings in them may hold braces).</summary>
    [GeneratedRegex("(?<![\\w:.$])(?<name>[A-Za-z_:][\\w:]*)\\s*(?<matchers>\\{(?:[^{}\"]|\"(?:[^\"\\\\]|\\\\.)*\")*\\})?")]
    private static partial Regex Selector();

    /// <summary>A Grafana variable, <c>$name</c> or <c>${name}</c>.</summary>
    [GeneratedRegex(@"\$\{?(\w+)\}?")]
    private static partial Regex GrafanaVariable();

    /// <summary>The name of a sample line of the Prometheus text format (comment lines start with #).</summary>
    [GeneratedRegex(@"^[A-Za-z_:][\w:]*", RegexOptions.Multiline)]
    private static partial Regex SampleName();

    /// <summary>A rule of a rule file: <c>- alert: Name</c> or <c>- record: name</c>.</summary>
    [GeneratedRegex(@"^\s*-\s*(?:alert|record):\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex RuleName();

    /// <summary>The metric names a PromQL expression reads: not functions, keywords, label names, strings, numbers or durations.</summary>
    public static IReadOnlySet<string> MetricNames(string promql)
    {
        var text = StringLiteral().Replace(promql, " ");
        text = MatchersOrRange().Replace(text, " ");
        text = LabelList().Replace(text, " ");
        return Word().Matches(text).Select(m => m.Value).Where(w => !s_keywords.Contains(w)).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void MetricNames_AreToldFromFunctionsKeywordsLabelsStringsAndDurations()
    {
        const string promql = """
            histogram_quantile(0.99, sum by (instance, le) (rate(a_bucket{le!="+Inf", x=~"y|z"}[5m] offset 1h))) > bool 1e-3
            and on (instance) group_left (b) b_total unless count without (c) (c_gauge @ start()) * Inf
            or label_replace(d, "dst", "$1", "src", "(.*)") > 0x1f or max_over_time(e:recorded[10m:1m]) and NaN
            """;
        string[] expected = ["a_bucket", "b_total", "c_gauge", "d", "e:recorded"];
        Assert.Equal(expected, MetricNames(promql).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheDashboardAndTheAlerts_AskOnlyForWhatTheServerExports_InARealPrometheus()
    {
        var clock = Stopwatch.StartNew();
        var prefix = $"test-{Guid.NewGuid():N}:";
        var now = DateTimeOffset.UtcNow;
        var catalog = TestCatalog.Document(TestCatalog.Campaign("london") with { Start = now.AddDays(-1), End = now.AddDays(30) });
        var settings = new Dictionary<string, string>
        {
            ["Ads__Traffic__ClientAddressHeader"] = "X-Forwarded-For", // readers at addresses of their own, a busy one
            ["Ads__Traffic__DecisionsPerMinute"] = "120", // 20 at once, then 2 a second: the busy address meets it
            ["Redis__KeyPrefix"] = prefix,
            ["Redis__Configuration"] = TestRedis.Configuration,
            ["Ads__AdminKey"] = AdsServerFactory.AdminKey,
            ["Ads__SigningKey"] = AdsServerFactory.SigningKey,
        };
        var published = Environment.GetEnvironmentVariable("SUARA_PUBLISHED") is { Length: > 0 } given && File.Exists(Path.Combine(given, "Suara.Ads.Server.dll")) ? given : null;
        using var server = new ServerProcess(catalog, settings, directory: published); // ./test.sh's published build, else the test's own
        using var handler = new HttpClientHandler { AllowAutoRedirect = false }; // a click answers 302 to the advertiser
        using var client = new HttpClient(handler) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", AdsServerFactory.BrowserUserAgent);

        // Both start at once (Prometheus finds its target some seconds after it starts).
        await using var prometheus = new PrometheusProcess(new Uri(server.BaseAddress, "/metrics"), RepositoryFiles.PathOf("deploy", "prometheus-alerts.yml"));
        await server.WaitUntilReadyAsync(client, TimeSpan.FromSeconds(60));
        await prometheus.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"server ({published ?? "the test's own build"}) and prometheus up after {clock.Elapsed.TotalSeconds:F1} s");

        // A change made through another instance: the server rebuilds its catalog (and times it).
        using (var other = new AdsServerFactory(catalog, keyPrefix: prefix))
        {
            (await other.CreateAdminClient().PutAsync("/v1/admin/campaigns/kopi", AdminHttp.Campaign(status: "paused"))).Expect(HttpStatusCode.Created);
        }

        // Traffic for several seconds, until Prometheus has scraped the server under it several times: rate() needs
        // two samples in its window.
        var traffic = Stopwatch.StartNew();
        var refused = 0;
        var round = 0;
        while (traffic.Elapsed < TimeSpan.FromSeconds(6) || !await ScrapedAsync(prometheus, times: 6))
        {
            if (traffic.Elapsed > TimeSpan.FromSeconds(40)) // a hang guard
            {
                Assert.Fail("Prometheus did not scrape the server:\n" + (await prometheus.GetAsync("api/v1/targets")).ToJsonString() + "\n" + prometheus.Log());
            }

            refused += await ReadPagesAsync(client, round++);
            await Task.Delay(50); // a reader's pace, leaving the two cores to the server and Prometheus
        }

        Assert.True(refused > 0, "the busy address never met the rate limit");
        output.WriteLine($"traffic for {traffic.Elapsed.TotalSeconds:F1} s: {round} rounds of readers, {refused} decisions refused");

        var rules = await EvaluatedRulesAsync(prometheus);
        var exported = SampleName().Matches(await client.GetStringAsync("/metrics")).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("suara_ads_decisions_total", exported);

        // The checks below flag a made-up name and a query that does not parse.
        Assert.Contains(await ProblemsAsync(prometheus, "self-check", "sum(rate(suara_ads_made_up_total[1m]))", exported, mustShowData: false), p => p.Contains("names suara_ads_made_up_total", StringComparison.Ordinal));
        Assert.Contains(await ProblemsAsync(prometheus, "self-check", "sum(rate(suara_ads_decisions_total[1m])", exported, mustShowData: false), p => p.Contains("fails", StringComparison.Ordinal));

        var problems = new List<string>();
        var queries = 0;
        foreach (var (where, promql) in DashboardQueries())
        {
            problems.AddRange(await ProblemsAsync(prometheus, where, promql, exported, mustShowData: true));
            queries++;
        }

        var inFile = RuleName().Matches(RepositoryFiles.Read("deploy", "prometheus-alerts.yml")).Select(m => m.Groups[1].Value).ToList();
        var loaded = rules.Select(r => (string)r["name"]!).ToList();
        if (!inFile.Order(StringComparer.Ordinal).SequenceEqual(loaded.Order(StringComparer.Ordinal)))
        {
            problems.Add($"prometheus-alerts.yml names the rules [{string.Join(", ", inFile)}] but Prometheus loaded [{string.Join(", ", loaded)}]");
        }

        foreach (var rule in rules)
        {
            var where = $"prometheus-alerts.yml {(string)rule["name"]!}";
            if ((string?)rule["health"] != "ok")
            {
                problems.Add($"{where}: health {(string?)rule["health"]}: {(string?)rule["lastError"]}");
            }

            problems.AddRange(await ProblemsAsync(prometheus, where, (string)rule["query"]!, exported, mustShowData: false));
            queries++;
        }

        foreach (var arguments in (string[][])[["check", "rules", "deploy/prometheus-alerts.yml"], ["test", "rules", "deploy/prometheus-alerts.test.yml"]])
        {
            var (exitCode, said) = await PrometheusProcess.PromtoolAsync(arguments);
            if (exitCode != 0)
            {
                problems.Add($"promtool {string.Join(' ', arguments)} exited {exitCode}:\n{said}");
            }
        }

        output.WriteLine($"{queries} queries checked against {exported.Count} exported names; {clock.Elapsed.TotalSeconds:F1} s in all");
        Assert.True(problems.Count == 0, $"{problems.Count} problems:\n" + string.Join("\n", problems));
    }

    /// <summary>
    /// One round of readers, each from an address of its own: a page filled and its beacons (the impression twice),
    /// a page half filled, one not filled, one also naming a placement the catalog lacks, a forged beacon, a crawler's page
    /// and impression; then a burst from one busy address. Returns how many of the burst were refused (429).
    /// </summary>
    private static async Task<int> ReadPagesAsync(HttpClient client, int round)
    {
        var address = $"10.1.{round / 250}.{round % 250}";
        Action<HttpRequestMessage> from = request => request.Headers.Add("X-Forwarded-For", address);
        var slot = await Pages.ServeAsync(client, $"reader-{round}", from);
        Assert.NotNull(slot);
        foreach (var url in (string[])[slot.ImpressionUrl, slot.ImpressionUrl, slot.ViewableUrl, slot.ClickUrl, "/v1/events/bogus"])
        {
            await Pages.BeaconAsync(client, url, from);
        }

        foreach (var placements in (string[][])[["sidebar", "article-top"], ["article-top"], ["article-top", "no-such-placement"]])
        {
            Assert.Equal(HttpStatusCode.OK, await DecideAsync(client, address, placements));
        }

        Action<HttpRequestMessage> crawler = request =>
        {
            from(request);
            request.Headers.UserAgent.Clear();
            request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)");
        };
        var crawled = await Pages.ServeAsync(client, $"crawler-{round}", crawler);
        await Pages.BeaconAsync(client, crawled!.ImpressionUrl, crawler);

        var refused = 0;
        for (var i = 0; i < 8; i++)
        {
            refused += await DecideAsync(client, "10.2.0.1", "sidebar") == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        return refused;
    }

    private static async Task<HttpStatusCode> DecideAsync(HttpClient client, string address, params string[] placements)
    {
        var slots = new JsonArray([.. placements.Select((placement, i) => (JsonNode)new JsonObject { ["id"] = $"s{i}", ["placement"] = placement })]);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/decisions") { Content = System.Net.Http.Json.JsonContent.Create(new JsonObject { ["site"] = "suara", ["slots"] = slots }) };
        request.Headers.Add("X-Forwarded-For", address);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Whether Prometheus has scraped the server with success at least <paramref name="times"/> in the last minute, the last time included.</summary>
    private static async Task<bool> ScrapedAsync(PrometheusProcess prometheus, int times)
    {
        var up = $"up{{job=\"{PrometheusProcess.Job}\"}}";
        var answer = await prometheus.QueryAsync($"sum_over_time({up}[1m]) >= {times} and {up} == 1");
        return answer["data"]?["result"]?.AsArray().Count > 0;
    }

    /// <summary>The loaded rules, once each has been evaluated at least once.</summary>
    private static async Task<List<JsonNode>> EvaluatedRulesAsync(PrometheusProcess prometheus)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20); // a hang guard: rules are evaluated every second
        while (true)
        {
            var groups = (await prometheus.GetAsync("api/v1/rules"))["data"]?["groups"]?.AsArray() ?? [];
            var rules = groups.SelectMany(g => g!["rules"]!.AsArray()).Select(r => r!).ToList();
            if (rules.Count > 0 && rules.All(r => (string?)r["health"] != "unknown"))
            {
                return rules;
            }

            Assert.True(DateTime.UtcNow < deadline, "Prometheus did not load and evaluate the rules:\n" + prometheus.Log());
            await Task.Delay(200);
        }
    }

    /// <summary>Every query of the dashboard's panels (rows' nested panels too), Grafana's variables filled in.</summary>
    private static IEnumerable<(string Where, string PromQL)> DashboardQueries()
    {
        var dashboard = JsonNode.Parse(RepositoryFiles.Read("deploy", "grafana-dashboard.json"))!;
        var panels = new Stack<JsonNode>(dashboard["panels"]!.AsArray().Select(p => p!));
        while (panels.TryPop(out var panel))
        {
            foreach (var nested in panel["panels"]?.AsArray() ?? [])
            {
                panels.Push(nested!);
            }

            foreach (var target in panel["targets"]?.AsArray() ?? [])
            {
                var promql = GrafanaVariable().Replace((string)target!["expr"]!, m => s_grafanaVariables.GetValueOrDefault(m.Groups[1].Value, m.Value));
                yield return ($"grafana-dashboard.json \"{(string?)panel["title"]}\" {(string?)target["refId"]}", promql);
            }
        }
    }

    /// <summary>
    /// What is wrong with one query: it fails; it names a metric the server does not export; a selector of it matches
    /// no series; or (<paramref name="mustShowData"/>, a dashboard's) it returns nothing.
    /// </summary>
    private static async Task<List<string>> ProblemsAsync(PrometheusProcess prometheus, string where, string promql, IReadOnlySet<string> exported, bool mustShowData)
    {
        var problems = new List<string>();
        void Add(string problem) => problems.Add($"{where}: {promql}\n    {problem}");

        if (StringLiteral().Replace(promql, " ").Contains('$', StringComparison.Ordinal))
        {
            Add("has a variable this test does not know: teach it (s_grafanaVariables) what to put there");
            return problems;
        }

        var names = MetricNames(promql);
        var missing = names.Where(n => !exported.Contains(n)).Order(StringComparer.Ordinal).ToList();
        foreach (var name in missing)
        {
            Add($"names {name}, which the server does not export");
        }

        var answer = await prometheus.QueryAsync(promql);
        if ((string?)answer["status"] != "success")
        {
            Add($"fails: {(string?)answer["error"]}");
        }
        else if (mustShowData && missing.Count == 0 && answer["data"]?["result"]?.AsArray().Count == 0)
        {
            Add("shows no data under traffic");
        }

        var selectors = Selector().Matches(promql)
            .Where(m => m.Groups["matchers"].Success && names.Contains(m.Groups["name"].Value) && exported.Contains(m.Groups["name"].Value))
            .Select(m => m.Value)
            .Distinct(StringComparer.Ordinal);
        foreach (var selector in selectors)
        {
            var matched = await prometheus.QueryAsync($"count({selector})");
            if (matched["data"]?["result"]?.AsArray().Count is not > 0)
            {
                Add($"{selector} matches no series the server exports");
            }
        }

        return problems;
    }
}
