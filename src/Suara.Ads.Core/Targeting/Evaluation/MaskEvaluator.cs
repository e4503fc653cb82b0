using Suara.Ads.Core.Targeting.Syntax;

namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>
/// <c>hour</c> or <c>weekday</c> against a precomputed bit set: every operator on these fields (==, !=, &lt;, in,
/// between with wrap-around, ...) reduces to "is this hour or day one of the accepted ones".
/// </summary>
internal sealed class MaskEvaluator(TargetingNode source, bool weekday, uint mask) : TargetingEvaluator(source)
{
    private readonly bool _weekday = weekday;
    private readonly uint _mask = mask;

    /// <summary>The accepted values: bit <c>h</c> for hour <c>h</c>, bit <c>(int)DayOfWeek</c> for a weekday.</summary>
    public uint Mask => _mask;

    public override bool Evaluate(TargetingContext context)
    {
        int value = _weekday ? (int)context.Weekday : context.Hour;
        return (uint)value < 32 && ((_mask >> value) & 1) != 0;
    }
}
