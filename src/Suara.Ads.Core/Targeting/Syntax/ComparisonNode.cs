namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary><c>field op value</c>, e.g. <c>device == 'mobile'</c>.</summary>
internal sealed record ComparisonNode(FieldReference Field, ComparisonOperator Operator, TargetingLiteral Value) : TargetingNode;
