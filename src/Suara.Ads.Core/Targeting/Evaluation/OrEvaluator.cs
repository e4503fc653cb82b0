using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>An n-ary <c>or</c> (nested or-groups flattened into it); stops at the first true operand.</summary>
internal sealed class OrEvaluator(TargetingNode source, TargetingEvaluator[] operands) : TargetingEvaluator(source)
{
    private readonly TargetingEvaluator[] _operands = operands;

    public override bool Evaluate(TargetingContext context)
    {
        foreach (var operand in _operands)
        {
            if (operand.Evaluate(context))
            {
                return true;
            }
        }

        return false;
    }

    public override void ForgetSource()
    {
        base.ForgetSource();
        foreach (var operand in _operands)
        {
            operand.ForgetSource();
        }
    }
}
