namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>Always true: the compiled form of an empty rule.</summary>
internal sealed class ConstantEvaluator : TargetingEvaluator
{
    private ConstantEvaluator()
        : base(null)
    {
    }

    public static ConstantEvaluator True { get; } = new();

    public override bool Evaluate(TargetingContext context) => true;
}
