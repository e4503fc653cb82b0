using System.Text;
using System.Text.RegularExpressions;
using Suara.Ads.Core.Devices;
using Suara.Ads.Core.Tests.Support;
using Xunit.Abstractions;

namespace Suara.Ads.Core.Tests.Devices;

public sealed class CrawlerDetectorTests(ITestOutputHelper output)
{
    private const int Limit = UserAgentClassifier.MaxExaminedLength;

    // The slow reference: every pattern of the list as a .NET regex, exactly as the list means them.
    private static readonly Lazy<Regex[]> s_reference = new(() => [.. CrawlerListFile.Patterns.Select(p => new Regex(p))]);

    private static bool ReferenceIsCrawler(string ua)
    {
        var examined = ua.AsSpan(0, Math.Min(ua.Length, Limit));
        foreach (var regex in s_reference.Value)
        {
            if (regex.IsMatch(examined))
            {
                return true;
            }
        }

        return false;
    }

    [Fact]
    public void PatternCount_IsTheVendoredListsEntryCount()
    {
        Assert.Equal(CrawlerListFile.Patterns.Count, CrawlerDetector.PatternCount);
        Assert.Equal(CrawlerListFile.Patterns, CrawlerDetector.Patterns.Select(p => p.Source));
        Assert.True(CrawlerDetector.PatternCount > 1000, $"only {CrawlerDetector.PatternCount} patterns");
    }

    [Fact]
    public void LoadPatterns_EmbeddedResource_IsTheVendoredFile()
    {
        using var stream = typeof(CrawlerDetector).Assembly.GetManifestResourceStream(CrawlerDetector.ResourceName);
        Assert.NotNull(stream);
        using var reader = new StreamReader(stream);

        Assert.Equal(File.ReadAllText(CrawlerListFile.PathOf), reader.ReadToEnd());
    }

    [Fact]
    public void IsCrawler_EveryInstanceOfTheList_IsDetected()
    {
        var missed = CrawlerListFile.Instances.Where(ua => !CrawlerDetector.IsCrawler(ua)).ToList();

        Assert.True(CrawlerListFile.Instances.Count > 1000, $"only {CrawlerListFile.Instances.Count} instances");
        Assert.True(missed.Count == 0, "not detected: " + string.Join(" | ", missed.Take(20)));
    }

    [Fact]
    public void IsCrawler_BrowserRowsOfTheCorpus_AreNotCrawlers()
    {
        var flagged = UserAgentCorpus.Rows.Where(r => !r.IsBot && CrawlerDetector.IsCrawler(r.Ua)).Select(r => r.Ua).ToList();

        Assert.True(flagged.Count == 0, "browsers taken for crawlers: " + string.Join(" | ", flagged));
    }

    [Fact]
    public void IsCrawler_BotRowsOfTheCorpus_AreCrawlersExceptTheSupplementaryClients()
    {
        var bots = UserAgentCorpus.Rows.Where(r => r.IsBot).Select(r => r.Ua).ToList();
        var missed = bots.Where(ua => !CrawlerDetector.IsCrawler(ua)).ToList();

        // The list lacks exactly the clients UserAgentClassifier adds (Java/, PostmanRuntime/); nothing else.
        Assert.True(bots.Count >= 15);
        Assert.All(missed, ua => Assert.Contains(UserAgentClassifier.SupplementaryBotPrefixes, p => ua.StartsWith(p, StringComparison.Ordinal)));
        Assert.All(UserAgentClassifier.SupplementaryBotPrefixes, p => Assert.Contains(missed, ua => ua.StartsWith(p, StringComparison.Ordinal)));
    }

    [Fact]
    public void SupplementaryBotPrefixes_AreNotInTheList()
    {
        // When the list starts covering one of them, drop it from UserAgentClassifier and Crawlers/README.md.
        foreach (var prefix in UserAgentClassifier.SupplementaryBotPrefixes)
        {
            Assert.False(ReferenceIsCrawler(prefix + "1.0"), $"the list now covers {prefix}");
        }
    }

    [Fact]
    public void Patterns_EveryOneClassified_AtMostTwoWithoutPrefilter()
    {
        var patterns = CrawlerDetector.Patterns;
        var counts = patterns.GroupBy(p => p.Kind).ToDictionary(g => g.Key, g => g.Count());
        var unfiltered = patterns.Where(p => p.IsUnfiltered).Select(p => p.Source).ToList();
        output.WriteLine(string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")) + $"; without prefilter: {unfiltered.Count}");
        foreach (var regex in patterns.Where(p => p.Kind == CrawlerPatternKind.Regex))
        {
            output.WriteLine($"  {regex.Source}  prefilters: {string.Join(" | ", regex.Prefilters)}");
        }

        Assert.All(patterns, p => Assert.Equal(p.Kind == CrawlerPatternKind.Regex, p.Literal.Length == 0));
        Assert.All(patterns, p => Assert.All(p.Prefilters, f => Assert.NotEmpty(f)));
        Assert.True(counts.GetValueOrDefault(CrawlerPatternKind.Literal) > 1000);
        Assert.True(unfiltered.Count <= 2, "patterns without a prefilter (each runs on every User-Agent): " + string.Join(" | ", unfiltered));
    }

    [Fact]
    public void IsCrawler_CorpusAndMutations_AgreesWithEveryPatternAsRegex()
    {
        var corpus = EquivalenceCorpus();
        var disagreements = corpus.Where(ua => CrawlerDetector.IsCrawler(ua) != ReferenceIsCrawler(ua)).ToList();
        var crawlers = corpus.Count(ReferenceIsCrawler);
        output.WriteLine($"{corpus.Count} strings, {crawlers} crawlers by the reference");

        Assert.True(crawlers > corpus.Count / 10 && crawlers < corpus.Count * 9 / 10, $"{crawlers} of {corpus.Count}: the corpus should be mixed");
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements, e.g.: " + string.Join(" | ", disagreements.Take(10).Select(Show)));
    }

    [Fact]
    public void IsCrawler_NeedleStraddlingTheLimit_IsIgnored()
    {
        var padding = new string('x', Limit - 4);

        Assert.False(CrawlerDetector.IsCrawler(padding + "Googlebot/2.1"));
        Assert.True(CrawlerDetector.IsCrawler(new string('x', Limit - 10) + "Googlebot/2.1"));
        // "SSL Labs$": the end of what is examined is the end for '$'.
        Assert.True(CrawlerDetector.IsCrawler(new string('x', Limit - 8) + "SSL Labs" + new string('y', 100)));
        Assert.False(CrawlerDetector.IsCrawler(new string('x', Limit - 9) + "SSL Labs" + new string('y', 100)));
    }

    [Theory]
    [InlineData("", false)]
    [InlineData("\n", false)]
    [InlineData("Mozilla/5.0", false)]
    [InlineData("CUBOT NOTE 20 PRO", false)]
    [InlineData("curl/8.5.0", true)]
    [InlineData("Mozilla/5.0 curl/8.5.0", false)] // "^curl": only at the start.
    [InlineData("Wget/1.21.4", true)]
    [InlineData("wget/1.21.4", true)]
    [InlineData("AdsBot-Google", true)]
    [InlineData("AdsBot-Google (+http://www.google.com/adsbot.html)", true)]
    [InlineData("Mozilla/5.0 (compatible; Newsify Feed Fetcher)", true)]
    [InlineData("Apple Spider 1.0; +https://www.spider.com", true)]
    [InlineData("GoogleAssociationService", true)]
    [InlineData("GoogleAssociationService x", false)]
    [InlineData("Qualys SSL Labs\n", true)] // .NET's '$' also matches before a final newline.
    public void IsCrawler_RegexAndAnchoredPatterns_AgreeWithTheReference(string ua, bool expected)
    {
        Assert.Equal(expected, CrawlerDetector.IsCrawler(ua));
        Assert.Equal(expected, ReferenceIsCrawler(ua));
    }

    [Fact]
    public void IsCrawler_AfterWarmUp_DoesNotAllocate()
    {
        // Crawlers (literal, anchored and regex patterns), browsers, a long string and an empty one.
        var uas = CrawlerListFile.Instances.Take(300).Concat(UserAgentCorpus.Rows.Select(r => r.Ua))
            .Append(new string('y', 5000)).Append("").ToArray();
        var next = 0;

        var allocated = Allocations.LeastOfThreeRounds(() => CrawlerDetector.IsCrawler(uas[next++ % uas.Length]), warmUps: 50 * uas.Length, times: 1000);

        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// The list's instances and the corpus rows, each also truncated, upper-cased, lower-cased and case-swapped; every
    /// pattern's literal (or prefilter) spliced into a browser User-Agent, at random and where its anchor wants it, whole
    /// and with one character dropped or changed; and long strings around the examined limit.
    /// </summary>
    private static List<string> EquivalenceCorpus()
    {
        var random = new Random(20261203);
        var seeds = CrawlerListFile.Instances.Concat(UserAgentCorpus.Rows.Select(r => r.Ua)).ToList();
        var browsers = UserAgentCorpus.Rows.Where(r => !r.IsBot).Select(r => r.Ua).ToArray();
        var corpus = new List<string>(seeds);
        foreach (var ua in seeds)
        {
            corpus.Add(ua[..random.Next(ua.Length + 1)]);
            corpus.Add(ua.ToUpperInvariant());
            corpus.Add(ua.ToLowerInvariant());
            corpus.Add(SwapCase(ua));
        }

        foreach (var pattern in CrawlerDetector.Patterns)
        {
            foreach (var needle in pattern.Prefilters.Append(pattern.Literal).Where(n => n.Length > 0))
            {
                var host = browsers[random.Next(browsers.Length)];
                foreach (var variant in new[] { needle, needle.Remove(random.Next(needle.Length), 1), Change(needle, random) })
                {
                    var at = random.Next(host.Length + 1);
                    corpus.Add(host[..at] + variant + host[at..]);
                    corpus.Add(variant + host);
                    corpus.Add(host + variant);
                    corpus.Add(host + variant + "\n");
                    corpus.Add(new string(' ', Limit - variant.Length / 2) + variant);
                }
            }
        }

        return corpus;
    }

    private static string SwapCase(string text)
    {
        var swapped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            swapped.Append(char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
        }

        return swapped.ToString();
    }

    private static string Change(string text, Random random)
    {
        var chars = text.ToCharArray();
        var at = random.Next(chars.Length);
        chars[at] = chars[at] == 'x' ? 'y' : 'x';
        return new string(chars);
    }

    private static string Show(string ua) => ua.Length > 200 ? $"{ua[..100]}…{ua[^100..]} ({ua.Length} chars)" : ua;
}
