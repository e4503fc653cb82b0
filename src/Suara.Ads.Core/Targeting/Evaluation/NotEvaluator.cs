using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary><c>not x</c>.</summary>
internal sealed class NotEvaluator(TargetingNode source, TargetingEvaluator operand) : TargetingEvaluator(source)
{
    private readonly TargetingEvaluator _operand = operand;

    public override bool Evaluate(TargetingContext context) => !_operand.Evaluate(context);

    public override void ForgetSource()
    {
        base.ForgetSource();
        _operand.ForgetSource();
    }
}
