using System.Text.RegularExpressions;
using Suara.Ads.Core.Devices;

namespace Suara.Ads.Core.Tests.Devices;

public sealed class CrawlerPatternAnalyzerTests
{
    // Patterns in and around the syntax the crawler list uses, including constructs the analyzer must not misread.
    private static readonly string[] s_synthetic =
    [
        "abc", @"Googlebot\/", @"a\.b\(c\)", "^abc", "abc$", "^abc$", "^", "^$", @"\^ab\$", "[wW]get", "ab?cd", "ab*cd",
        "ab+cd", "ab+?cd", "a{2}bc", "ab{0,2}cd", "ab{1,}cd", "a{b", "a{,2}b", "a}b", "a]b", "[]a]b", "[^-]ab",
        "(x|y)zz", "foo|bar", "foo|[ab]", @"\d+zz", @"z\bqq", "(?i)abc", "ab(?i)cd", "ab(?i:cd)ef", "a(?=bc)bcd",
        "q(?!r)rr", @"(^| )pq\/", @"xy[\s\S]*yx", "a.c", @"ab\x41cd", @"ab\u0041cd", @"\p{L}bc", "(ab)+cd",
        "(?:ab|cd)ef", "((a)b)c|d", "AdsBot-Google([^-]|$)", "ab|", "|ab", @"a\sb c",
    ];

    public static TheoryData<string, string, string, string[]> Classifications() => new()
    {
        { @"Googlebot\/", nameof(CrawlerPatternKind.Literal), "Googlebot/", [] },
        { @"Mediapartners \(Googlebot\)", nameof(CrawlerPatternKind.Literal), "Mediapartners (Googlebot)", [] },
        { "webmon ", nameof(CrawlerPatternKind.Literal), "webmon ", [] },
        { "^curl", nameof(CrawlerPatternKind.Prefix), "curl", [] },
        { @"^BW\/", nameof(CrawlerPatternKind.Prefix), "BW/", [] },
        { "SSL Labs$", nameof(CrawlerPatternKind.Suffix), "SSL Labs", [] },
        { @"a\$", nameof(CrawlerPatternKind.Literal), "a$", [] },
        { "^abc$", nameof(CrawlerPatternKind.Regex), "", ["abc"] },
        { "[wW]get", nameof(CrawlerPatternKind.Regex), "", ["get"] },
        { "AdsBot-Google([^-]|$)", nameof(CrawlerPatternKind.Regex), "", ["AdsBot-Google"] },
        { "Automaton|Newsify Feed Fetcher", nameof(CrawlerPatternKind.Regex), "", ["Automaton", "Newsify Feed Fetcher"] },
        { @"Spider[\s\S]*spider\.com", nameof(CrawlerPatternKind.Regex), "", ["spider.com"] },
        { @"BlogTraffic\/\d\.\d+ Feed-Fetcher", nameof(CrawlerPatternKind.Regex), "", [" Feed-Fetcher"] },
        { @"(^| )PTST\/", nameof(CrawlerPatternKind.Regex), "", ["PTST/"] },
        { "abc?def", nameof(CrawlerPatternKind.Regex), "", ["def"] },
        { "abc+de", nameof(CrawlerPatternKind.Regex), "", ["abc"] },
        { "ab{0,3}cde", nameof(CrawlerPatternKind.Regex), "", ["cde"] },
        { "foo|[ab]", nameof(CrawlerPatternKind.Regex), "", [] },
        { "(?i)abc", nameof(CrawlerPatternKind.Regex), "", [] },
        { @"ab\x41cd", nameof(CrawlerPatternKind.Regex), "", ["ab"] },
        { "a{b", nameof(CrawlerPatternKind.Regex), "", [] },
    };

    [Theory]
    [MemberData(nameof(Classifications))]
    public void Analyze_Pattern_IsClassifiedWithItsLiteralOrPrefilters(string pattern, string kind, string literal, string[] prefilters)
    {
        var analyzed = CrawlerPatternAnalyzer.Analyze(pattern);

        Assert.Equal(kind, analyzed.Kind.ToString());
        Assert.Equal(literal, analyzed.Literal);
        Assert.Equal(prefilters, analyzed.Prefilters);
    }

    [Fact]
    public void IsMatch_SyntheticPatternsOnRandomText_AgreesWithRegex()
    {
        // Random strings over the patterns' own characters, so that literals, near-misses, anchors and newlines occur.
        var random = new Random(4217);
        var alphabet = string.Concat(s_synthetic.SelectMany(p => p).Distinct()) + "\n AB";
        var pieces = s_synthetic.SelectMany(p => Regex.Split(p, @"[\\\[\]()|?*+{}^$.]")).Where(s => s.Length > 0).ToArray();
        var inputs = Enumerable.Range(0, 4000).Select(_ => RandomText(random, alphabet, pieces)).Append("").ToArray();

        foreach (var pattern in s_synthetic)
        {
            var set = new CrawlerPatternSet([pattern]);
            var reference = new Regex(pattern);
            foreach (var input in inputs)
            {
                Assert.True(reference.IsMatch(input) == set.IsMatch(input), $"pattern {pattern} on \"{Regex.Escape(input)}\"");
            }
        }

        var all = new CrawlerPatternSet(s_synthetic);
        var references = s_synthetic.Select(p => new Regex(p)).ToArray();
        foreach (var input in inputs)
        {
            Assert.Equal(references.Any(r => r.IsMatch(input)), all.IsMatch(input));
        }
    }

    private static string RandomText(Random random, string alphabet, string[] pieces)
    {
        var text = new System.Text.StringBuilder();
        var parts = random.Next(8);
        for (var i = 0; i < parts; i++)
        {
            if (random.Next(3) == 0)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }
            else
            {
                text.Append(alphabet[random.Next(alphabet.Length)]);
            }
        }

        return text.ToString();
    }
}
