using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>An n-ary <c>and</c> (nested and-groups flattened into it); stops at the first false operand.</summary>
internal sealed class AndEvaluator(TargetingNode source, TargetingEvaluator[] operands) : TargetingEvaluator(source)
{
    private readonly TargetingEvaluator[] _operands = operands;

    public override bool Evaluate(TargetingContext context)
    {
        foreach (var operand in _operands)
        {
            if (!operand.Evaluate(context))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Explains with the first failing operand rather than the whole conjunction.</summary>
    public override string? Explain(TargetingContext context)
    {
        foreach (var operand in _operands)
        {
            string? failure = operand.Explain(context);
            if (failure is not null)
            {
                return failure;
            }
        }

        return null;
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
