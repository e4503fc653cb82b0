using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Suara.Ads.Benchmarks.Config;
using Suara.Ads.Core.Devices;

namespace Suara.Ads.Benchmarks.Devices;

/// <summary>
/// Known-crawler detection over <see cref="UserAgentCount"/> real User-Agents (goal: 1 µs or less per User-Agent, a
/// few hundred ns aimed at). <c>OperationsPerInvoke</c> makes every figure per User-Agent.
/// </summary>
/// <remarks>
/// The corpus, <c>Devices/user-agents-1000.txt</c> (embedded), is 500 crawler User-Agents, one example each of 500
/// entries of the vendored crawler-user-agents list, and 500 browser User-Agents (the browser rows of the Core tests'
/// user-agents.tsv and current Chrome, Safari, Firefox, Edge, Samsung Internet, Opera and WebView strings), shuffled.
/// <c>[GlobalSetup]</c> checks that the two benchmarks agree on every one of them and that half are crawlers.
/// </remarks>
[Config(typeof(BenchConfig))]
public class CrawlerDetectorBenchmarks
{
    /// <summary>User-Agents per operation, each checked once.</summary>
    public const int UserAgentCount = 1_000;

    private const string CorpusResource = "Suara.Ads.Benchmarks.Devices.user-agents-1000.txt";

    private string[] _userAgents = [];
    private Regex[] _regexes = [];

    /// <summary>Reads the corpus and compiles every pattern of the list for the baseline.</summary>
    [GlobalSetup]
    public void Setup()
    {
        using (var stream = typeof(CrawlerDetectorBenchmarks).Assembly.GetManifestResourceStream(CorpusResource)
            ?? throw new InvalidOperationException($"The embedded resource {CorpusResource} is missing."))
        using (var reader = new StreamReader(stream))
        {
            _userAgents = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }

        if (_userAgents.Length != UserAgentCount)
        {
            throw new InvalidOperationException($"The corpus has {_userAgents.Length} User-Agents, not {UserAgentCount}.");
        }

        _regexes = [.. CrawlerDetector.Patterns.Select(p => new Regex(p.Source, RegexOptions.Compiled | RegexOptions.CultureInvariant))];
        var disagreements = _userAgents.Count(ua => CrawlerDetector.IsCrawler(ua) != AnyRegexMatches(ua));
        var crawlers = IsCrawler();
        if (disagreements != 0 || crawlers != UserAgentCount / 2)
        {
            throw new InvalidOperationException($"{disagreements} disagreements with the baseline; {crawlers} crawlers, not {UserAgentCount / 2}.");
        }
    }

    /// <summary>The naive reference: every pattern's compiled regex in turn, until one matches.</summary>
    /// <returns>How many User-Agents are crawlers.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = UserAgentCount)]
    public int NaiveRegexes()
    {
        var crawlers = 0;
        foreach (var userAgent in _userAgents)
        {
            if (AnyRegexMatches(userAgent))
            {
                crawlers++;
            }
        }

        return crawlers;
    }

    /// <summary><see cref="CrawlerDetector.IsCrawler"/>.</summary>
    /// <returns>How many User-Agents are crawlers.</returns>
    [Benchmark(OperationsPerInvoke = UserAgentCount)]
    public int IsCrawler()
    {
        var crawlers = 0;
        foreach (var userAgent in _userAgents)
        {
            if (CrawlerDetector.IsCrawler(userAgent))
            {
                crawlers++;
            }
        }

        return crawlers;
    }

    private bool AnyRegexMatches(string userAgent)
    {
        var examined = userAgent.AsSpan(0, Math.Min(userAgent.Length, UserAgentClassifier.MaxExaminedLength));
        foreach (var regex in _regexes)
        {
            if (regex.IsMatch(examined))
            {
                return true;
            }
        }

        return false;
    }
}
