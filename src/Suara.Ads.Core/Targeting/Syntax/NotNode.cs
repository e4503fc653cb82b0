namespace Suara.Ads.Core.Targeting.Syntax;

/// <summary><c>not a</c>.</summary>
internal sealed record NotNode(TargetingNode Operand) : TargetingNode;
