using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Targeting.Evaluation;
using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Tests.Targeting;

public sealed class TargetingRuleMatchesTests
{
    public static TheoryData<string, bool> StringFieldCases => new()
    {
        { "country == 'MY'", true },
        { "country == 'my'", true },
        { "COUNTRY == \"my\"", true },
        { "country == 'SG'", false },
        { "country != 'SG'", true },
        { "country != 'my'", false },
        { "country in ('SG', 'my')", true },
        { "country in ('SG', 'ID')", false },
        { "country not in ('SG', 'ID')", true },
        { "country not in ('SG', 'my')", false },
        { "country in ('a', 'b', 'c', 'd', 'e', 'My')", true },
        { "country in ('a', 'b', 'c', 'd', 'e', 'f')", false },
        { "country not in ('a', 'b', 'c', 'd', 'e', 'my')", false },
        { "country contains 'y'", true },
        { "country startswith 'm'", true },
        { "country startswith 'y'", false },
        { "device == 'mobile'", true },
        { "device == 'MOBILE'", true },
        { "device != 'desktop'", true },
        { "device in ('desktop', 'tablet')", false },
        { "device not in ('desktop', 'tablet')", true },
        { "os startswith 'and'", true },
        { "os == 'ios'", false },
        { "browser in ('Chrome', 'safari')", true },
        { "language == 'EN'", true },
        { "site == 'TheStar'", true },
        { "placement startswith 'top-'", true },
        { "placement contains 'BANNER'", true },
        { "url contains 'sport/FOOTBALL'", true },
        { "url startswith 'https://www.'", true },
        { "url contains 'news'", false },
        { "path startswith '/sport/'", true },
        { "path == '/SPORT/football'", true },
        { "path startswith '/news/'", false },
        { "referrer contains 'google'", true },
        { "referrer == 'www.google.com'", true },
        { "referrer contains 'bing'", false },
    };

    public static TheoryData<string, bool> MissingValueCases => new()
    {
        { "section == 'news'", false },
        { "section != 'news'", true },
        { "not section == 'news'", true },
        { "section in ('news', 'sport')", false },
        { "section not in ('news', 'sport')", true },
        { "section contains 'n'", false },
        { "section startswith 'n'", false },
        { "section == ''", true },
        { "region != ''", false },
        { "kv.missing == 'x'", false },
        { "kv.missing != 'x'", true },
        { "kv.missing == ''", true },
        { "kv.missing not in ('a', 'b')", true },
        { "kv.missing > 0", false },
        { "kv.missing != 5", false },
        { "kv.missing not in (1, 2)", false },
    };

    public static TheoryData<string, bool> KeywordsCases => new()
    {
        { "keywords contains 'travel'", true },
        { "keywords contains 'TRAVEL'", true },
        { "keywords contains 'trav'", false },
        { "keywords == 'FOOD'", true },
        { "keywords == 'cars'", false },
        { "keywords != 'food'", false },
        { "keywords != 'cars'", true },
        { "keywords in ('cars', 'travel')", true },
        { "keywords in ('cars', 'boats')", false },
        { "keywords not in ('cars', 'boats')", true },
        { "keywords not in ('cars', 'food')", false },
    };

    public static TheoryData<string, bool> HourCases => new()
    {
        { "hour == 23", true },
        { "hour != 23", false },
        { "hour < 23", false },
        { "hour <= 23", true },
        { "hour > 22", true },
        { "hour >= 0", true },
        { "hour in (1, 23)", true },
        { "hour in (1, 2)", false },
        { "hour not in (1, 23)", false },
        { "hour between 18 and 23", true },
        { "hour between 5 and 22", false },
        { "hour between 22 and 5", true },
        { "hour between 0 and 5", false },
        { "hour between 23 and 23", true },
    };

    public static TheoryData<string, bool> WeekdayCases => new()
    {
        { "weekday == sat", true },
        { "weekday == 'SAT'", true },
        { "weekday == Sun", false },
        { "weekday != sat", false },
        { "weekday in ('sat', 'sun')", true },
        { "weekday not in (sat, sun)", false },
        { "weekday > fri", true },
        { "weekday >= sun", false },
        { "weekday < sat", false },
        { "weekday <= sat", true },
        { "weekday between mon and fri", false },
        { "weekday between fri and mon", true },
        { "weekday between sun and fri", false },
        { "weekday between sat and sat", true },
    };

    public static TheoryData<string, bool> KvCases => new()
    {
        { "kv.tier == 'premium'", true },
        { "kv.TIER == 'PREMIUM'", true },
        { "kv.tier != 'basic'", true },
        { "kv.tier in ('gold', 'premium')", true },
        { "kv.tier not in ('gold', 'premium')", false },
        { "kv.tier contains 'rem'", true },
        { "kv.tier startswith 'pre'", true },
        { "kv.age == '42'", true },
        { "kv.age == 42", true },
        { "kv.age != 42", false },
        { "kv.age != 7", true },
        { "kv.age > 40", true },
        { "kv.age >= 42", true },
        { "kv.age < 42", false },
        { "kv.age <= 42", true },
        { "kv.age between 18 and 65", true },
        { "kv.age between 43 and 65", false },
        { "kv.age in (41, 42)", true },
        { "kv.age not in (41, 42)", false },
        { "kv.age not in (1, 2)", true },
        { "kv.score > 2", true },
        { "kv.score < 3", true },
        { "kv.score == 2", false },
        { "kv.neg < 0", true },
        { "kv.neg == -3", true },
        { "kv.text > 0", false },
        { "kv.text < 0", false },
        { "kv.text == 0", false },
        { "kv.text != 5", false },
    };

    public static TheoryData<string, bool> LogicCases => new()
    {
        { "", true },
        { "  \n\t ", true },
        { "country == 'MY' and device == 'mobile'", true },
        { "country == 'MY' and device == 'desktop'", false },
        { "country == 'SG' or device == 'mobile'", true },
        { "country == 'SG' or device == 'desktop'", false },
        { "not country == 'MY'", false },
        { "not not country == 'MY'", true },
        { "not (country == 'SG' or device == 'desktop')", true },
        { "country == 'SG' or country == 'MY' and device == 'desktop'", false },
        { "(country == 'SG' or country == 'MY') and device == 'mobile'", true },
        { "not country == 'SG' and device == 'mobile'", true },
        { "country == 'MY' AND Device == 'MOBILE' Or hour == 1", true },
        { "country in ('MY', 'SG') and device == 'mobile' and not section == 'politics'", true },
        { "country in ('MY','SG')\n  and (device == 'desktop'\n       or hour between 22 and 5)", true },
        { "((country == 'MY') and ((device == 'mobile')))", true },
        { "country == 'MY' and (site == 'thestar' and (hour < 5 or weekday == sat))", true },
    };

    [Theory]
    [MemberData(nameof(StringFieldCases))]
    [MemberData(nameof(MissingValueCases))]
    [MemberData(nameof(KeywordsCases))]
    [MemberData(nameof(HourCases))]
    [MemberData(nameof(WeekdayCases))]
    [MemberData(nameof(KvCases))]
    [MemberData(nameof(LogicCases))]
    public void Matches_SampleContext_ReturnsExpected(string source, bool expected)
    {
        var rule = TestContexts.CompileOrThrow(source);
        var context = TestContexts.Sample();

        Assert.Equal(expected, rule.Matches(context));
        Assert.Equal(expected, ReferenceInterpreter.Evaluate(TargetingParser.Parse(source).Node, context));
        Assert.Equal(expected, rule.Explain(context) is null);
    }

    [Theory]
    [InlineData(DayOfWeek.Friday, true)]
    [InlineData(DayOfWeek.Sunday, true)]
    [InlineData(DayOfWeek.Monday, true)]
    [InlineData(DayOfWeek.Tuesday, false)]
    [InlineData(DayOfWeek.Thursday, false)]
    public void Matches_WeekdayBetweenWrapsAroundWeekend_ReturnsExpected(DayOfWeek day, bool expected)
    {
        var rule = TestContexts.CompileOrThrow("weekday between fri and mon");
        var context = TestContexts.Sample();
        context.Weekday = day;

        Assert.Equal(expected, rule.Matches(context));
    }

    [Theory]
    [InlineData(21, false)]
    [InlineData(22, true)]
    [InlineData(0, true)]
    [InlineData(5, true)]
    [InlineData(6, false)]
    [InlineData(12, false)]
    public void Matches_HourBetweenWrapsAroundMidnight_ReturnsExpected(int hour, bool expected)
    {
        var rule = TestContexts.CompileOrThrow("hour between 22 and 5");
        var context = TestContexts.Sample();
        context.Hour = hour;

        Assert.Equal(expected, rule.Matches(context));
    }

    [Fact]
    public void Matches_EmptyContext_TreatsEveryValueAsMissing()
    {
        var context = new TargetingContext();

        Assert.True(TestContexts.CompileOrThrow("country != 'MY' and keywords != 'x' and kv.a == ''").Matches(context));
        Assert.False(TestContexts.CompileOrThrow("country == 'MY' or keywords contains 'x' or kv.a >= 0").Matches(context));
    }

    [Fact]
    public void Everyone_AnyContext_Matches()
    {
        Assert.True(TargetingRule.Everyone.Matches(TestContexts.Sample()));
        Assert.Null(TargetingRule.Everyone.Explain(new TargetingContext()));
        Assert.Empty(TargetingRule.Everyone.IndexableConstraints);
    }

    [Fact]
    public void Compile_EmptySource_MatchesEveryoneAndKeepsSource()
    {
        var result = TargetingRule.Compile("   ");

        Assert.True(result.Success);
        Assert.Equal("   ", result.Rule!.Source);
        Assert.True(result.Rule.Matches(new TargetingContext()));
    }

    [Fact]
    public void CanonicalText_MixedCaseAndQuotes_PrintsCanonically()
    {
        var rule = TestContexts.CompileOrThrow("COUNTRY IN (\"MY\",'S\\'G') AND NOT (Device == \"mobile\" OR kv.Tier != 'a')");

        Assert.Equal("country in ('MY', 'S\\'G') and not (device == 'mobile' or kv.Tier != 'a')", rule.CanonicalText);
    }

    [Fact]
    public void StartsWith_AsciiAndNonAsciiValues_AgreesWithOrdinalIgnoreCase()
    {
        // The ASCII prefix's char-by-char comparison against the framework's: case pairs, the chars next to the letters
        // ('@' and '`', '[' and '{'), and non-ASCII chars that fold to or from ASCII letters (Kelvin sign, dotless i).
        string[] prefixes = ["/travel/", "/TRAVEL/", "@[", "`{", "k", "K", "i", "I", "", "ab", "é", "/Été/"];
        string[] values =
        [
            "/travel/x", "/Travel/x", "/TRAVEL/", "/travel", "/trave1/", "@[x", "`{x", "`[", "@{", "k", "K", "\u212A",
            "\u212Ax", "\u0131", "\u0130", "i", "I", "", "AB", "aB", "a\u00C9", "\u00E9", "\u00C9", "/\u00E9t\u00E9/x", "/\u00C9T\u00C9/x", "/ete/x",
        ];
        var checks = 0;
        foreach (var prefix in prefixes)
        {
            var rule = TestContexts.CompileOrThrow($"path startswith '{prefix}'");
            foreach (var value in values)
            {
                var context = new TargetingContext { Path = value };
                Assert.True(value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) == rule.Matches(context), $"'{value}' startswith '{prefix}'");
                checks++;
            }
        }

        Assert.Equal(prefixes.Length * values.Length, checks);
    }
}
