using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>
/// Whether the page's keywords contain any of the values (<c>contains</c>, <c>==</c>, <c>in</c>) or,
/// when negated, none of them (<c>!=</c>, <c>not in</c>).
/// </summary>
internal sealed class KeywordsEvaluator(TargetingNode source, string[] values, bool negated) : TargetingEvaluator(source)
{
    private readonly string[] _values = values;
    private readonly bool _negated = negated;

    public override bool Evaluate(TargetingContext context)
    {
        var keywords = context.Keywords;
        foreach (string value in _values)
        {
            if (keywords.Contains(value))
            {
                return !_negated;
            }
        }

        return _negated;
    }
}
