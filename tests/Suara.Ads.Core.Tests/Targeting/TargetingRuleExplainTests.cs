using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Targeting.Evaluation;

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

    [Theory]
    [InlineData("country == 'MY' and (device == 'desktop' or not section in ('a', 'b'))")]
    [InlineData("not keywords contains 'x'")]
    public void Compile_KeepsNoSyntaxTree_AndStillExplains(string source)
    {
        // A serving rule holds its evaluators, not its syntax (tens of megabytes in a big catalog); explain compiles again.
        var rule = TestContexts.CompileOrThrow(source);
        var evaluator = (TargetingEvaluator)typeof(TargetingRule).GetField("_evaluator", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(rule)!;

        Assert.All(Tree(evaluator), node => Assert.Null(node.Source));
        Assert.Equal(TestContexts.CompileOrThrow(source).Explain(TestContexts.Sample()), rule.Explain(TestContexts.Sample()));
        Assert.Equal(rule.Matches(TestContexts.Sample()), rule.Explain(TestContexts.Sample()) is null);
    }

    private static IEnumerable<TargetingEvaluator> Tree(TargetingEvaluator node)
    {
        yield return node;
        foreach (var field in node.GetType().GetFields(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance))
        {
            var children = field.GetValue(node) switch
            {
                TargetingEvaluator one => [one],
                TargetingEvaluator[] many => many,
                _ => Array.Empty<TargetingEvaluator>(),
            };
            foreach (var child in children.SelectMany(Tree))
            {
                yield return child;
            }
        }
    }
}
