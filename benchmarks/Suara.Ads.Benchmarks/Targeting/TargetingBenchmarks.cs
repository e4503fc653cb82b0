using BenchmarkDotNet.Attributes;
using Suara.Ads.Benchmarks.Config;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Benchmarks.Targeting;

/// <summary>
/// Evaluating compiled targeting rules against a context (goal: a typical rule in 50 ns or less, no allocation),
/// and compiling one rule from text.
/// </summary>
[Config(typeof(BenchConfig))]
public class TargetingBenchmarks
{
    /// <summary>The typical rule of the goal.</summary>
    public const string TypicalRule = "country in ('MY', 'SG') and device == 'mobile' and not section == 'politics'";

    /// <summary>A keywords rule.</summary>
    public const string KeywordsRule = "keywords in ('football', 'badminton', 'f1') and not keywords contains 'politics'";

    /// <summary>An or-heavy rule whose first operands fail for the context.</summary>
    public const string OrHeavyRule =
        "section == 'auto' or section == 'property' or keywords contains 'ev' or kv.tier in ('gold', 'premium') "
        + "or (device == 'tablet' and hour between 18 and 23) or path startswith '/sport/'";

    /// <summary>A longer rule in the style of the generated catalogs, compiled from text.</summary>
    public const string CompileRule =
        "country in ('MY', 'SG', 'ID') and device in ('mobile', 'tablet') "
        + "and (section in ('news', 'sport') or keywords contains 'football') and hour between 6 and 23";

    private TargetingRule _typical = null!;
    private TargetingRule _keywords = null!;
    private TargetingRule _orHeavy = null!;
    private TargetingContext _context = null!;
    private TargetingContext _other = null!;

    /// <summary>Compiles the rules and builds a Malaysian mobile sport page and a Singaporean desktop politics page.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _typical = CompileOrThrow(TypicalRule);
        _keywords = CompileOrThrow(KeywordsRule);
        _orHeavy = CompileOrThrow(OrHeavyRule);
        _context = new TargetingContext
        {
            Country = "MY",
            Device = "mobile",
            Os = "android",
            Browser = "chrome",
            Language = "en",
            Site = "bench",
            Placement = "article-top",
            Section = "sport",
            Url = "https://bench.example/sport/2026/11/story",
            Path = "/sport/2026/11/story",
            Keywords = new HashSet<string>(["football", "harimau-malaya", "sea-games"], StringComparer.OrdinalIgnoreCase),
            Kv = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["tier"] = "free", ["age"] = "34" },
            Hour = 12,
            Weekday = DayOfWeek.Sunday,
        };
        _other = new TargetingContext
        {
            Country = "SG",
            Device = "desktop",
            Section = "politics",
            Path = "/politics/2026/11/story",
            Keywords = new HashSet<string>(["election"], StringComparer.OrdinalIgnoreCase),
            Hour = 9,
            Weekday = DayOfWeek.Monday,
        };
        Expect(_typical.Matches(_context) && !_typical.Matches(_other), TypicalRule);
        Expect(_keywords.Matches(_context) && !_keywords.Matches(_other), KeywordsRule);
        Expect(_orHeavy.Matches(_context) && !_orHeavy.Matches(_other), OrHeavyRule);
    }

    /// <summary>The typical rule, matching (every clause evaluated).</summary>
    [Benchmark(Baseline = true)]
    public bool TypicalMatch() => _typical.Matches(_context);

    /// <summary>The typical rule, failing on its first clause (short-circuit).</summary>
    [Benchmark]
    public bool TypicalNoMatch() => _typical.Matches(_other);

    /// <summary>The keywords rule, matching.</summary>
    [Benchmark]
    public bool KeywordsMatch() => _keywords.Matches(_context);

    /// <summary>The or-heavy rule, matching on its last operand.</summary>
    [Benchmark]
    public bool OrHeavyMatch() => _orHeavy.Matches(_context);

    /// <summary>The or-heavy rule, failing (every operand evaluated).</summary>
    [Benchmark]
    public bool OrHeavyNoMatch() => _orHeavy.Matches(_other);

    /// <summary>Parse, type-check and compile one rule.</summary>
    [Benchmark]
    public TargetingRule Compile() => TargetingRule.Compile(CompileRule).Rule!;

    private static TargetingRule CompileOrThrow(string source) =>
        TargetingRule.Compile(source).Rule ?? throw new InvalidOperationException("Does not compile: " + source);

    private static void Expect(bool ok, string rule)
    {
        if (!ok)
        {
            throw new InvalidOperationException("Unexpected outcome of: " + rule);
        }
    }
}
