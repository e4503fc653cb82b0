namespace Suara.Ads.Core.Selection;

/// <summary>How far ahead of its goal's straight line an <c>even</c> campaign may run.</summary>
public static class EvenPacing
{
    /// <summary>Even pacing lets a campaign run this share of its goal ahead of the straight line.</summary>
    public const double Lead = 0.01;

    /// <summary>
    /// How many ads even pacing allows by <paramref name="now"/>: the goal's straight-line share of the elapsed window,
    /// plus a lead of <see cref="Lead"/> of the goal (at least one) so delivery is not starved at the start.
    /// </summary>
    public static double Allowance(long goal, long windowStart, long windowEnd, long now)
    {
        var length = windowEnd - windowStart;
        var fraction = length <= 0 ? 1.0 : Math.Clamp((double)(now - windowStart) / length, 0.0, 1.0);
        return (goal * fraction) + Math.Max(1.0, goal * Lead);
    }
}
