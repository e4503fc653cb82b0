namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary><c>field between low and high</c>, inclusive; wraps around when <c>low &gt; high</c> (hour, weekday).</summary>
internal sealed record BetweenNode(FieldReference Field, TargetingLiteral Low, TargetingLiteral High) : TargetingNode;
