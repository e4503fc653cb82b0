namespace Suara.Ads.Core.Tests.Targeting;

public sealed class TargetingRuleExplainTests
{
    [Theory]
    [InlineData("country == 'MY' and device == 'mobile'")]
    [InlineData("")]
    [InlineData("country == 'SG' or hour == 23")]
    public void Explain_MatchingRule_ReturnsNull(string source)
    {
        Assert.Null(TestContexts.CompileOrThrow(source).Explain(TestContexts.Sample()));
    }

    [Theory]
    [InlineData("country == 'MY' and device == 'desktop'", "device == 'desktop'")]
    [InlineData("COUNTRY == \"MY\" AND Device == \"DESKTOP\"", "device == 'DESKTOP'")]
    [InlineData("country == 'SG'", "country == 'SG'")]
    [InlineData("(country == 'SG' or site == 'x') and device == 'mobile'", "country == 'SG' or site == 'x'")]
    [InlineData("device == 'mobile' and not country == 'MY'", "not country == 'MY'")]
    [InlineData("not (country == 'MY' and hour == 23)", "not (country == 'MY' and hour == 23)")]
    [InlineData("country == 'MY' and (site == 'thestar' and hour < 5)", "hour < 5")]
    [InlineData("country == 'MY' and (site == 'x' or (hour < 5 and os == 'ios'))", "site == 'x' or hour < 5 and os == 'ios'")]
    [InlineData("kv.age > 50 and hour == 23", "kv.age > 50")]
    [InlineData("hour between 1 and 5 and weekday in (sat, sun)", "hour between 1 and 5")]
    [InlineData("keywords not in ('food', 'x')", "keywords not in ('food', 'x')")]
    public void Explain_FailingRule_ReturnsFirstFailingClause(string source, string expected)
    {
        var rule = TestContexts.CompileOrThrow(source);

        Assert.False(rule.Matches(TestContexts.Sample()));
        Assert.Equal(expected, rule.Explain(TestContexts.Sample()));
    }
}
