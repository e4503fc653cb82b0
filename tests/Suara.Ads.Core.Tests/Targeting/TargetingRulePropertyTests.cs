using CsCheck;
using Suara.Ads.Core.Targeting;
using Suara.Ads.Core.Targeting.Evaluation;
using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Tests.Targeting;

/// <summary>
/// Differential tests: random well-typed rules and random contexts, compiled evaluator against the naive
/// <see cref="ReferenceInterpreter"/>. On failure CsCheck prints the shrunk case and the seed to replay it
/// (pass it as <c>seed:</c> to <c>Sample</c>).
/// </summary>
public sealed class TargetingRulePropertyTests
{
    private const int Iterations = 5_000;

    [Fact]
    public void Matches_RandomRulesAndContexts_AgreesWithReferenceInterpreter()
    {
        Gen.Select(TargetingGenerators.Node(4), TargetingGenerators.Context.Array[4, 4]).Sample(
            (node, contexts) =>
            {
                string source = TargetingPrinter.Print(node);
                var result = TargetingRule.Compile(source);
                Assert.True(result.Success, $"generated rule '{source}' does not compile: {string.Join("; ", result.Errors)}");

                foreach (var spec in contexts)
                {
                    var context = spec.ToContext();
                    bool expected = ReferenceInterpreter.Evaluate(node, context);
                    Assert.Equal(expected, result.Rule!.Matches(context));
                    Assert.Equal(expected, result.Rule.Explain(context) is null);
                }
            },
            iter: Iterations,
            print: t => $"rule: {t.Item1}\ncontexts:\n{string.Join("\n", t.Item2.Select(c => c.ToString()))}");
    }

    [Fact]
    public void Print_RandomRules_ParsesBackToEqualTree()
    {
        TargetingGenerators.Node(4).Sample(
            node =>
            {
                string source = TargetingPrinter.Print(node);
                var (parsed, error) = TargetingParser.Parse(source);

                Assert.Null(error);
                Assert.Equal(node, parsed);
                Assert.Empty(TargetingTypeChecker.Check(parsed!));
                Assert.Equal(source, TargetingPrinter.Print(parsed!));
            },
            iter: Iterations,
            print: node => node.ToString());
    }

    [Fact]
    public void Equals_TreesDifferingOnlyInPositions_AreEqual()
    {
        var (a, _) = TargetingParser.Parse("country in ('MY', 'SG') and not hour between 22 and 5");
        var (b, _) = TargetingParser.Parse("Country IN ( \"MY\" ,\n'SG' ) AND NOT\n hour BETWEEN 22 AND 5");
        var (c, _) = TargetingParser.Parse("country in ('MY', 'SG') and not hour between 22 and 6");

        Assert.Equal(a, b);
        Assert.Equal(a!.GetHashCode(), b!.GetHashCode());
        Assert.NotEqual(a, c);
    }
}
